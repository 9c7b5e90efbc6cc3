package dev.veil.blindindex;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.prf.HmacPrfKey;
import com.google.crypto.tink.prf.PrfConfig;
import com.google.crypto.tink.prf.PrfSet;
import dev.veil.key.KeyException;
import dev.veil.key.KeyPurpose;
import dev.veil.key.KeyRing;
import dev.veil.key.KeyScope;

import java.security.GeneralSecurityException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A key ring that serves one fixed HMAC-SHA256 PRF keyset for every blind-index scope and records the scopes
 * asked for. The keysets were generated once with Tink ({@code PredefinedPrfParameters.HMAC_SHA256_PRF}) and
 * are test fixtures only.
 */
final class FixedKeyRing implements KeyRing {

    /** One key, id 168599750. */
    static final String KEYSET = "{\"primaryKeyId\":168599750,\"key\":[{\"keyData\":{\"typeUrl\":"
            + "\"type.googleapis.com/google.crypto.tink.HmacPrfKey\",\"value\":"
            + "\"EgIIAxogK0SHJDyC9ql8L+DwsmnuJSPqZrOL1+rOymd5Z1lp8k8=\",\"keyMaterialType\":\"SYMMETRIC\"},"
            + "\"status\":\"ENABLED\",\"keyId\":168599750,\"outputPrefixType\":\"RAW\"}]}";

    /** {@link #KEYSET}'s key plus a newer primary, id 2869658997 (as after {@code KeyAdministration.addVersion}). */
    static final String ROTATED_KEYSET = "{\"primaryKeyId\":2869658997,\"key\":[{\"keyData\":{\"typeUrl\":"
            + "\"type.googleapis.com/google.crypto.tink.HmacPrfKey\",\"value\":"
            + "\"EgIIAxogK0SHJDyC9ql8L+DwsmnuJSPqZrOL1+rOymd5Z1lp8k8=\",\"keyMaterialType\":\"SYMMETRIC\"},"
            + "\"status\":\"ENABLED\",\"keyId\":168599750,\"outputPrefixType\":\"RAW\"},{\"keyData\":{\"typeUrl\":"
            + "\"type.googleapis.com/google.crypto.tink.HmacPrfKey\",\"value\":"
            + "\"EgIIAxogdrJDJTxyrQMQl0LJ6bWT03o27/r4UCPMsprqN2mXcJ8=\",\"keyMaterialType\":\"SYMMETRIC\"},"
            + "\"status\":\"ENABLED\",\"keyId\":2869658997,\"outputPrefixType\":\"RAW\"}]}";

    static {
        try {
            PrfConfig.register();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final List<KeyScope> asked = new CopyOnWriteArrayList<>();
    private final PrfSet prf;

    private FixedKeyRing(PrfSet prf) {
        this.prf = prf;
    }

    static FixedKeyRing standard() {
        return new FixedKeyRing(prfSet(KEYSET));
    }

    static FixedKeyRing rotated() {
        return new FixedKeyRing(prfSet(ROTATED_KEYSET));
    }

    static PrfSet prfSet(String json) {
        try {
            return handle(json).getPrimitive(RegistryConfiguration.get(), PrfSet.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The raw HMAC key of the keyset's primary, for computing expected values without Tink. */
    static byte[] primaryKeyBytes(String json) {
        try {
            HmacPrfKey key = (HmacPrfKey) handle(json).getPrimary().getKey();
            return key.getKeyBytes().toByteArray(InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeysetHandle handle(String json) throws GeneralSecurityException {
        return TinkJsonProtoKeysetFormat.parseKeyset(json, RegistryConfiguration.get(), InsecureSecretKeyAccess.get());
    }

    @Override
    public Aead aead(KeyScope scope) throws KeyException {
        throw new KeyException("test ring serves blind-index keys only, not " + scope);
    }

    @Override
    public PrfSet prf(KeyScope scope) throws KeyException {
        if (scope.purpose() != KeyPurpose.BLIND_INDEX) {
            throw new KeyException("prf() needs a blind-index scope but got " + scope);
        }
        asked.add(scope);
        return prf;
    }

    @Override
    public void close() {
        // nothing to release
    }
}
