package dev.veil.blindindex;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.prf.PrfSet;
import dev.veil.key.KeyException;
import dev.veil.key.KeyRing;
import dev.veil.key.KeyScope;
import dev.veil.key.KeyUnavailableException;

/** A ring whose master key is down: every call fails with {@link KeyUnavailableException}. */
final class FailingKeyRing implements KeyRing {

    @Override
    public Aead aead(KeyScope scope) throws KeyException {
        throw new KeyUnavailableException("master key unavailable for " + scope);
    }

    @Override
    public PrfSet prf(KeyScope scope) throws KeyException {
        throw new KeyUnavailableException("master key unavailable for " + scope);
    }

    @Override
    public void close() {
        // nothing to release
    }
}
