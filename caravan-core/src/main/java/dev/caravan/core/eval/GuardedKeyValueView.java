package dev.caravan.core.eval;

import java.util.Iterator;
import java.util.NoSuchElementException;

/** A process's {@link KeyValueView} behind an {@link EvalGuard}: every call enters the guard. */
final class GuardedKeyValueView implements KeyValueView {
    private final KeyValueView view;
    private final EvalGuard guard;

    GuardedKeyValueView(KeyValueView view, EvalGuard guard) {
        this.view = view;
        this.guard = guard;
    }

    @Override
    public long size() {
        guard.enter();
        try {
            return view.size();
        } finally {
            guard.exit();
        }
    }

    @Override
    public Iterator<byte[]> keys() {
        Iterator<byte[]> inner;
        guard.enter();
        try {
            inner = view.keys();
        } finally {
            guard.exit();
        }
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                guard.enter();
                try {
                    return inner.hasNext();
                } finally {
                    guard.exit();
                }
            }

            @Override
            public byte[] next() {
                guard.enter();
                try {
                    if (!inner.hasNext()) {
                        throw new NoSuchElementException();
                    }
                    return inner.next();
                } finally {
                    guard.exit();
                }
            }
        };
    }

    @Override
    public String type(byte[] key) {
        guard.enter();
        try {
            return view.type(key);
        } finally {
            guard.exit();
        }
    }

    @Override
    public long valueLength(byte[] key) {
        guard.enter();
        try {
            return view.valueLength(key);
        } finally {
            guard.exit();
        }
    }

    /** Checks the value's length against the memory budget left before copying it. */
    @Override
    public byte[] get(byte[] key) {
        guard.enter();
        try {
            long len = view.valueLength(key);
            if (len > guard.memoryLeftBytes()) {
                throw dev.caravan.wire.ErrorCode.BUDGET_EXCEEDED.exception("reading a value of " + len
                        + " bytes would take the function over its memory budget of " + guard.memoryBudgetBytes() + " bytes");
            }
            return len < 0 ? null : view.get(key);
        } finally {
            guard.exit();
        }
    }
}
