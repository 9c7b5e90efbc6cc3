package dev.veil.key.aws;

import dev.veil.key.KeyAccessDeniedException;
import dev.veil.key.KeyContext;
import dev.veil.key.KeyException;
import dev.veil.key.KeyUnavailableException;
import dev.veil.key.MasterKey;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.KmsClientBuilder;
import software.amazon.awssdk.services.kms.model.DecryptResponse;

/**
 * An AWS KMS key as master key. {@link #wrap} is KMS {@code Encrypt} and {@link #unwrap} is KMS
 * {@code Decrypt}, both with the {@link KeyContext} as encryption context (so CloudTrail shows database,
 * table, column or index and purpose of every unwrap) and the configured key id (so a blob from another key
 * is refused). Veil only ever wraps a 32-byte key-encryption key, far below KMS's 4 KiB limit.
 */
public final class AwsKmsMasterKey implements MasterKey {

    private static final Pattern ARN = Pattern.compile(
            "arn:aws[a-z-]*:kms:([a-z]{2}(?:-[a-z]+)+-\\d+):(\\d{12}):(key|alias)/[A-Za-z0-9/_+=,.@-]{1,256}");

    private final String arn;
    private final String id;
    private final KmsClient client;
    private final boolean ownsClient;
    private final Duration apiCallTimeout;

    private AwsKmsMasterKey(String arn, KmsClient client, boolean ownsClient, Duration apiCallTimeout) {
        this.arn = arn;
        this.id = AwsKmsProvider.SCHEME + "://" + arn;
        this.client = client;
        this.ownsClient = ownsClient;
        this.apiCallTimeout = apiCallTimeout;
    }

    /** Builds its own {@link KmsClient} (URL-connection HTTP client, timeouts, retries); makes no call. */
    static AwsKmsMasterKey open(String arn, AwsKmsOptions options) throws KeyException {
        Matcher m = ARN.matcher(arn);
        if (!m.matches()) {
            throw new KeyException("masterKey 'aws-kms://" + arn + "' does not hold a KMS key or alias ARN such as "
                    + "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab");
        }
        String region = options.region() != null ? options.region() : m.group(1);
        KmsClientBuilder b = KmsClient.builder()
                .region(Region.of(region))
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(options.connectTimeout())
                        .socketTimeout(options.apiCallAttemptTimeout()))
                .overrideConfiguration(o -> o
                        .apiCallTimeout(options.apiCallTimeout())
                        .apiCallAttemptTimeout(options.apiCallAttemptTimeout())
                        .retryStrategy(r -> r.maxAttempts(options.maxAttempts())));
        if (options.profile() != null) {
            b.credentialsProvider(ProfileCredentialsProvider.create(options.profile()));
        }
        if (options.endpoint() != null) {
            b.endpointOverride(options.endpoint());
        }
        try {
            return new AwsKmsMasterKey(arn, b.build(), true, options.apiCallTimeout());
        } catch (SdkException e) {
            throw new KeyException("master key aws-kms://" + arn + ": cannot configure the KMS client: " + e.getMessage());
        }
    }

    /**
     * Uses a client configured by the caller (who keeps ownership). Configure timeouts on it: this class
     * adds none.
     */
    public static AwsKmsMasterKey using(String keyArn, KmsClient client) throws KeyException {
        if (!ARN.matcher(keyArn).matches()) {
            throw new KeyException("'" + keyArn + "' is not a KMS key or alias ARN");
        }
        return new AwsKmsMasterKey(keyArn, client, false, null);
    }

    /** The key or alias ARN. */
    public String arn() {
        return arn;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public byte[] wrap(byte[] plaintext, KeyContext context) throws KeyException {
        try {
            return client.encrypt(r -> r.keyId(arn)
                            .plaintext(SdkBytes.fromByteArray(plaintext))
                            .encryptionContext(context.asMap()))
                    .ciphertextBlob().asByteArray();
        } catch (SdkException e) {
            throw translate("Encrypt", context, e);
        }
    }

    @Override
    public byte[] unwrap(byte[] wrapped, KeyContext context) throws KeyException {
        try {
            DecryptResponse response = client.decrypt(r -> r.keyId(arn)
                    .ciphertextBlob(SdkBytes.fromByteArray(wrapped))
                    .encryptionContext(context.asMap()));
            return response.plaintext().asByteArray();
        } catch (SdkException e) {
            throw translate("Decrypt", context, e);
        }
    }

    /** Maps SDK failures to the three kinds callers act on; messages carry no key material or credentials. */
    KeyException translate(String operation, KeyContext context, SdkException e) {
        String where = "KMS " + operation + " with master key " + arn + " for " + context;
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return new KeyUnavailableException(where + " timed out" + (apiCallTimeout == null ? ""
                    : " (api-call-timeout " + apiCallTimeout + ")") + "; KMS is slow or unreachable, retry later", e);
        }
        if (e instanceof AwsServiceException ase) {
            String code = ase.awsErrorDetails() == null ? null : ase.awsErrorDetails().errorCode();
            String detail = " (" + code + ", HTTP " + ase.statusCode() + ")";
            if (code != null) {
                switch (code) {
                    case "AccessDeniedException", "DisabledException", "NotFoundException",
                            "KMSInvalidStateException", "InvalidKeyUsageException", "UnrecognizedClientException",
                            "InvalidSignatureException", "ExpiredTokenException", "IncompleteSignature",
                            "InvalidClientTokenId", "MissingAuthenticationToken", "AccessDenied" -> {
                        return new KeyAccessDeniedException(where + " was refused" + detail + "; check that the key "
                                + "exists and is enabled and that the credentials' IAM policy allows kms:Encrypt and "
                                + "kms:Decrypt on it", e);
                    }
                    case "InvalidCiphertextException", "IncorrectKeyException" -> {
                        return new KeyException(where + " failed" + detail + ": the wrapped key was made by another "
                                + "KMS key, for another scope or database, or was altered", e);
                    }
                    case "ThrottlingException", "LimitExceededException", "KMSInternalException",
                            "DependencyTimeoutException", "KeyUnavailableException" -> {
                        return new KeyUnavailableException(where + " failed after retries" + detail
                                + "; retry later", e);
                    }
                    default -> {
                        // by status below
                    }
                }
            }
            if (ase.statusCode() >= 500 || ase.isThrottlingException()) {
                return new KeyUnavailableException(where + " failed after retries" + detail + "; retry later", e);
            }
            return new KeyException(where + " failed" + detail, e);
        }
        String message = String.valueOf(e.getMessage());
        if (message.contains("credentials")) {
            return new KeyException(where + ": no usable AWS credentials (default chain"
                    + " or the 'profile' option); configure them for this process", e);
        }
        return new KeyUnavailableException(where + " could not reach KMS (" + firstLine(message) + "); retry later", e);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        String t = nl < 0 ? s : s.substring(0, nl);
        return t.length() > 300 ? t.substring(0, 300) + "…" : t;
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }

    @Override
    public String toString() {
        return id;
    }
}
