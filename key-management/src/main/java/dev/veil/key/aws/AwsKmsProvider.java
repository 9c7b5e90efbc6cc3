package dev.veil.key.aws;

import dev.veil.key.KeyException;
import dev.veil.key.MasterKey;
import dev.veil.key.MasterKeyProvider;
import java.util.Map;
import java.util.Set;

/**
 * {@code aws-kms://arn:aws:kms:REGION:ACCOUNT:key/ID} (or an alias ARN): AWS KMS through the AWS SDK for
 * Java v2. Options (all optional): {@code region} (default: the ARN's), {@code profile} (default: the SDK's
 * default credential chain), {@code endpoint} (endpoint override, e.g. LocalStack), {@code api-call-timeout}
 * (ISO-8601, default PT5S, bounds a call including retries), {@code api-call-attempt-timeout} (default PT2S),
 * {@code connect-timeout} (default PT2S), {@code max-attempts} (default 3: throttling and 5xx are retried
 * with the SDK's bounded exponential backoff).
 */
public final class AwsKmsProvider implements MasterKeyProvider {

    public static final String SCHEME = "aws-kms";

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public Set<String> options() {
        return AwsKmsOptions.NAMES;
    }

    @Override
    public MasterKey open(String uri, Map<String, String> options) throws KeyException {
        String prefix = SCHEME + "://";
        if (!uri.startsWith(prefix)) {
            throw new KeyException("masterKey must look like aws-kms://arn:aws:kms:REGION:ACCOUNT:key/ID (or alias/NAME)");
        }
        String arn = uri.substring(prefix.length());
        return AwsKmsMasterKey.open(arn, AwsKmsOptions.parse(options));
    }
}
