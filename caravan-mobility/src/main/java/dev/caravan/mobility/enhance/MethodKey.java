package dev.caravan.mobility.enhance;

/** A method by declaring class (internal name), name and descriptor. */
record MethodKey(String owner, String name, String desc) {
    @Override
    public String toString() {
        return owner + "." + name + desc;
    }
}
