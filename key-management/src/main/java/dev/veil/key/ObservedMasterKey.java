package dev.veil.key;

import java.time.Duration;

/** Reports each wrap and unwrap to the {@link KeyRingListener} with its duration and outcome. */
final class ObservedMasterKey implements MasterKey {

    private final MasterKey delegate;
    private final KeyRingListener listener;

    ObservedMasterKey(MasterKey delegate, KeyRingListener listener) {
        this.delegate = delegate;
        this.listener = listener;
    }

    @Override
    public String id() {
        return delegate.id();
    }

    @Override
    public byte[] wrap(byte[] plaintext, KeyContext context) throws KeyException {
        long start = System.nanoTime();
        try {
            byte[] out = delegate.wrap(plaintext, context);
            report("wrap", start, KeyRingListener.Outcome.SUCCESS);
            return out;
        } catch (KeyException | RuntimeException e) {
            report("wrap", start, outcome(e));
            throw e;
        }
    }

    @Override
    public byte[] unwrap(byte[] wrapped, KeyContext context) throws KeyException {
        long start = System.nanoTime();
        try {
            byte[] out = delegate.unwrap(wrapped, context);
            report("unwrap", start, KeyRingListener.Outcome.SUCCESS);
            return out;
        } catch (KeyException | RuntimeException e) {
            report("unwrap", start, outcome(e));
            throw e;
        }
    }

    private void report(String operation, long start, KeyRingListener.Outcome outcome) {
        try {
            listener.masterKeyCall(delegate.id(), operation, Duration.ofNanos(System.nanoTime() - start), outcome);
        } catch (RuntimeException ignored) {
            // a broken listener must not break key loading
        }
    }

    static KeyRingListener.Outcome outcome(Exception e) {
        if (e instanceof KeyUnavailableException) {
            return KeyRingListener.Outcome.UNAVAILABLE;
        }
        if (e instanceof KeyAccessDeniedException) {
            return KeyRingListener.Outcome.ACCESS_DENIED;
        }
        return KeyRingListener.Outcome.FAILED;
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return delegate.id();
    }
}
