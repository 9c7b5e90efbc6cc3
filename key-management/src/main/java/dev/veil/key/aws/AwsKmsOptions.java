package dev.veil.key.aws;

import dev.veil.key.KeyException;
import java.net.URI;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;

/** The validated {@code aws-kms} options. */
record AwsKmsOptions(String region, String profile, URI endpoint, Duration apiCallTimeout,
        Duration apiCallAttemptTimeout, Duration connectTimeout, int maxAttempts) {

    static final Set<String> NAMES = Set.of("region", "profile", "endpoint", "api-call-timeout",
            "api-call-attempt-timeout", "connect-timeout", "max-attempts");

    static final Duration DEFAULT_API_CALL_TIMEOUT = Duration.ofSeconds(5);
    static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    static final int DEFAULT_MAX_ATTEMPTS = 3;

    static AwsKmsOptions parse(Map<String, String> o) throws KeyException {
        for (String name : o.keySet()) {
            if (!NAMES.contains(name)) {
                throw new KeyException("masterKeyOptions: option '" + name + "' is not known to aws-kms; known: " + NAMES);
            }
        }
        String region = blankToNull(o.get("region"));
        if (region != null && !region.matches("[a-z]{2}(-[a-z]+)+-\\d+")) {
            throw new KeyException("masterKeyOptions: region '" + region + "' is not an AWS region name such as eu-west-1");
        }
        URI endpoint = null;
        String e = blankToNull(o.get("endpoint"));
        if (e != null) {
            try {
                endpoint = new URI(e);
            } catch (java.net.URISyntaxException ex) {
                endpoint = null;
            }
            if (endpoint == null || endpoint.getScheme() == null || endpoint.getHost() == null
                    || !(endpoint.getScheme().equals("http") || endpoint.getScheme().equals("https"))
                    || endpoint.getUserInfo() != null) {
                throw new KeyException("masterKeyOptions: endpoint must be an http(s)://host[:port] URL without "
                        + "credentials, e.g. http://127.0.0.1:4566");
            }
        }
        Duration call = duration(o, "api-call-timeout", DEFAULT_API_CALL_TIMEOUT);
        Duration attempt = duration(o, "api-call-attempt-timeout", DEFAULT_ATTEMPT_TIMEOUT);
        if (!o.containsKey("api-call-attempt-timeout") && attempt.compareTo(call) > 0) {
            attempt = call;
        }
        if (attempt.compareTo(call) > 0) {
            throw new KeyException("masterKeyOptions: api-call-attempt-timeout (" + attempt
                    + ") must not exceed api-call-timeout (" + call + ")");
        }
        Duration connect = duration(o, "connect-timeout", DEFAULT_CONNECT_TIMEOUT);
        int attempts = DEFAULT_MAX_ATTEMPTS;
        String a = blankToNull(o.get("max-attempts"));
        if (a != null) {
            try {
                attempts = Integer.parseInt(a);
            } catch (NumberFormatException ex) {
                attempts = -1;
            }
            if (attempts < 1 || attempts > 10) {
                throw new KeyException("masterKeyOptions: max-attempts '" + a + "' must be a whole number from 1 to 10");
            }
        }
        return new AwsKmsOptions(region, blankToNull(o.get("profile")), endpoint, call, attempt, connect, attempts);
    }

    private static Duration duration(Map<String, String> o, String name, Duration dflt) throws KeyException {
        String v = blankToNull(o.get(name));
        if (v == null) {
            return dflt;
        }
        try {
            Duration d = Duration.parse(v);
            if (d.isNegative() || d.isZero()) {
                throw new DateTimeParseException("not positive", v, 0);
            }
            return d;
        } catch (DateTimeParseException ex) {
            throw new KeyException("masterKeyOptions: " + name + " '" + v + "' must be a positive ISO-8601 duration "
                    + "such as PT2S or PT0.5S");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
