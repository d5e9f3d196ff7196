package dev.caravan.switching.policy;

import java.util.ArrayList;
import java.util.List;

/** A candidate whose weight and load a test sets by hand. */
final class FakeCandidate implements Candidate {
    private final String id;
    int weight;
    int active;

    FakeCandidate(String id, int weight) {
        this.id = id;
        this.weight = weight;
    }

    static List<FakeCandidate> named(String... ids) {
        List<FakeCandidate> list = new ArrayList<>();
        for (String id : ids) {
            list.add(new FakeCandidate(id, 1));
        }
        return list;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public int weight() {
        return weight;
    }

    @Override
    public int active() {
        return active;
    }

    @Override
    public String toString() {
        return id;
    }
}
