package dev.caravan.lab.threads;

import dev.caravan.lab.report.Estimate;
import dev.caravan.plot.Series;

/** The indirect cost of a switch from the lab's touch timings, with its noise floor. Stateless. */
final class IndirectCost {
    private IndirectCost() {
    }

    /**
     * Per working-set size: (touch after a switch − warm touch) in µs, with the noise floor
     * (the sum of both timings' spreads, ns in, µs out).
     */
    static Estimate[] perSwitchUs(double[] warmNs, double[] warmSpreadNs, double[] afterNs, double[] afterSpreadNs) {
        Estimate[] e = new Estimate[warmNs.length];
        for (int i = 0; i < e.length; i++) {
            e[i] = new Estimate((afterNs[i] - warmNs[i]) / 1000, (warmSpreadNs[i] + afterSpreadNs[i]) / 1000);
        }
        return e;
    }

    /** The plotted series from index {@code from} on: below-noise sizes at 0 with open markers. */
    static Series series(String name, double[] x, Estimate[] e, int from) {
        double[] y = new double[x.length];
        boolean[] hollow = new boolean[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = e[i + from].plotted();
            hollow[i] = e[i + from].belowNoise();
        }
        return new Series(name, x, y, hollow);
    }
}
