package dev.caravan.kv;

import java.util.Arrays;

/**
 * A range of a sorted set as ZRANGE BYSCORE / BYLEX, ZCOUNT and the like give it: by score
 * ({@code 1.5}, {@code (1.5}, {@code -inf}, {@code +inf}) or by member ({@code [a}, {@code (a},
 * {@code -}, {@code +}), with Redis's wording for bounds it cannot read. Immutable.
 */
sealed interface RangeSpec {
    KvError NOT_FLOAT = new KvError("ERR min or max is not a float");
    KvError NOT_LEX = new KvError("ERR min or max not valid string range item");

    /** Whether {@code node} lies below the lower end. */
    boolean belowMin(SkipList list, long node);

    /** Whether {@code node} lies above the upper end. */
    boolean aboveMax(SkipList list, long node);

    /** Whether no node can lie in the range (min above max). */
    boolean isEmpty();

    /** A reversed command (ZREVRANGEBYSCORE, ZRANGE … REV) names max first: swap before calling. */
    static RangeSpec parse(byte[] min, byte[] max, boolean lex) {
        return lex ? Lex.parse(min, max) : Score.parse(min, max);
    }

    record Score(double min, boolean minEx, double max, boolean maxEx) implements RangeSpec {
        static Score parse(byte[] min, byte[] max) {
            boolean minEx = min.length > 0 && min[0] == '(';
            boolean maxEx = max.length > 0 && max[0] == '(';
            Double lo = Floats.strtod(min, minEx ? 1 : 0, true);
            Double hi = Floats.strtod(max, maxEx ? 1 : 0, true);
            if (lo == null || hi == null) {
                throw NOT_FLOAT;
            }
            return new Score(lo, minEx, hi, maxEx);
        }

        @Override
        public boolean belowMin(SkipList list, long node) {
            double s = list.score(node);
            return minEx ? s <= min : s < min;
        }

        @Override
        public boolean aboveMax(SkipList list, long node) {
            double s = list.score(node);
            return maxEx ? s >= max : s > max;
        }

        @Override
        public boolean isEmpty() {
            return min > max || (min == max && (minEx || maxEx));
        }
    }

    /** {@code min}/{@code max} null with {@code minInf}/{@code maxInf} = -1 for "-", +1 for "+". */
    record Lex(byte[] min, boolean minEx, int minInf, byte[] max, boolean maxEx, int maxInf) implements RangeSpec {
        static Lex parse(byte[] min, byte[] max) {
            int minInf = infinity(min);
            int maxInf = infinity(max);
            if ((minInf == 0 && !bracketed(min)) || (maxInf == 0 && !bracketed(max))) {
                throw NOT_LEX;
            }
            return new Lex(minInf == 0 ? Arrays.copyOfRange(min, 1, min.length) : null, minInf == 0 && min[0] == '(', minInf,
                    maxInf == 0 ? Arrays.copyOfRange(max, 1, max.length) : null, maxInf == 0 && max[0] == '(', maxInf);
        }

        private static int infinity(byte[] b) {
            if (b.length == 1 && b[0] == '-') {
                return -1;
            }
            return b.length == 1 && b[0] == '+' ? 1 : 0;
        }

        private static boolean bracketed(byte[] b) {
            return b.length > 0 && (b[0] == '(' || b[0] == '[');
        }

        @Override
        public boolean belowMin(SkipList list, long node) {
            if (minInf != 0) {
                return minInf > 0;
            }
            int c = list.compareMember(node, min);
            return minEx ? c <= 0 : c < 0;
        }

        @Override
        public boolean aboveMax(SkipList list, long node) {
            if (maxInf != 0) {
                return maxInf < 0;
            }
            int c = list.compareMember(node, max);
            return maxEx ? c >= 0 : c > 0;
        }

        @Override
        public boolean isEmpty() {
            if (minInf > 0 || maxInf < 0) {
                return true;
            }
            if (minInf < 0 || maxInf > 0) {
                return false;
            }
            int c = Arrays.compareUnsigned(min, max);
            return c > 0 || (c == 0 && (minEx || maxEx));
        }
    }
}
