package dev.caravan.plot;

/** The rule for legend entries: they name a case or a quantity, never only the axis's unit. */
final class Legends {
    private Legends() {
    }

    static void check(String name, Axis y) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a series needs a legend name");
        }
        String n = name.strip();
        String unit = y.unit().strip();
        if (n.equals(unit) || n.equals("(" + unit + ")")) {
            throw new IllegalArgumentException("legend '" + name + "' is a bare unit; name the quantity, e.g. '"
                    + y.legend() + "'");
        }
    }
}
