package dev.veil.driver;

import dev.veil.driver.config.VeilProperty;
import dev.veil.driver.error.VeilSqlState;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The one parser of {@code jdbc:veil:} URLs, shared by the driver, the Spring Boot starter and the CLI: strips
 * {@code jdbc:veil:} exactly once and moves every {@code veil.*} parameter out of the query string and the
 * properties. Unknown {@code veil.*} names are an error, so a typo cannot silently disable a setting; names that look
 * meant for Veil ({@code Veil.Key-Table}, {@code veil_key_table}) are never passed to the database's driver.
 */
public final class VeilUrl {

    /** The URL prefix Veil accepts. */
    public static final String PREFIX = "jdbc:veil:";

    private final String delegateUrl;
    private final Properties delegateProperties;
    private final Properties veilProperties;

    private VeilUrl(String delegateUrl, Properties delegateProperties, Properties veilProperties) {
        this.delegateUrl = delegateUrl;
        this.delegateProperties = delegateProperties;
        this.veilProperties = veilProperties;
    }

    /** Whether {@code url} is a Veil URL. */
    public static boolean accepts(String url) {
        return url != null && url.startsWith(PREFIX);
    }

    /**
     * Splits a Veil URL and its connection properties into the database's URL and properties and Veil's own.
     *
     * @throws SQLException VE020 for a URL that is not a Veil one, {@code jdbc:veil:postgres:}, or an unknown
     *         Veil-looking name
     */
    public static VeilUrl parse(String url, Properties info) throws SQLException {
        if (!accepts(url)) {
            throw VeilSqlState.INVALID_CONFIGURATION.exception("not a Veil URL; it must start with " + PREFIX);
        }
        String rest = url.substring(PREFIX.length());
        if (rest.regionMatches(true, 0, "postgres:", 0, "postgres:".length())) {
            throw VeilSqlState.INVALID_CONFIGURATION.exception(PREFIX + rest.substring(0, "postgres:".length())
                    + " is not a database URL scheme; did you mean " + PREFIX + "postgresql:? (pgjdbc's URLs start with "
                    + "jdbc:postgresql:, and a Veil URL inserts veil: after jdbc:)");
        }
        Properties veil = new Properties();
        StringBuilder delegate = new StringBuilder("jdbc:");
        int q = rest.indexOf('?');
        if (q < 0) {
            delegate.append(rest);
        } else {
            delegate.append(rest, 0, q);
            List<String> kept = new ArrayList<>();
            for (String pair : rest.substring(q + 1).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                if (VeilProperty.looksLikeVeil(key)) {
                    veil.setProperty(key, eq < 0 ? "" : decode(pair.substring(eq + 1)));
                } else {
                    kept.add(pair);
                }
            }
            if (!kept.isEmpty()) {
                delegate.append('?').append(String.join("&", kept));
            }
        }
        Properties delegateProps = new Properties();
        Properties given = info == null ? new Properties() : info;
        for (String key : given.stringPropertyNames()) {
            if (VeilProperty.looksLikeVeil(key)) {
                veil.setProperty(key, given.getProperty(key));
            } else {
                delegateProps.setProperty(key, given.getProperty(key));
            }
        }
        for (String key : veil.stringPropertyNames()) {
            if (VeilProperty.forKey(key) == null) {
                VeilProperty meant = VeilProperty.meant(key);
                throw VeilSqlState.INVALID_CONFIGURATION.exception("unknown Veil property '" + key + "'"
                        + (meant == null ? "" : "; did you mean " + meant.key() + "?") + " Veil's properties are "
                        + "spelt exactly as listed (lower case, 'veil.' then words joined by '-'): "
                        + String.join(", ", Arrays.stream(VeilProperty.values()).map(VeilProperty::key).toList()));
            }
        }
        return new VeilUrl(delegate.toString(), delegateProps, veil);
    }

    /**
     * Whether a property name looks meant for Veil ({@code veil.}, {@code veil_} or {@code veil-} in any case): such
     * a name must never reach the database's driver.
     */
    public static boolean looksLikeVeil(String name) {
        return VeilProperty.looksLikeVeil(name);
    }

    /** The URL the database's own driver gets ({@code jdbc:veil:postgresql://h/db?veil.config=x} gives {@code jdbc:postgresql://h/db}). */
    public String delegateUrl() {
        return delegateUrl;
    }

    /** The connection properties that are not Veil's, for the database's driver. */
    public Properties delegateProperties() {
        return delegateProperties;
    }

    /** Veil's own properties ({@code veil.*}, current or former names) from the query string and the properties. */
    public Properties veilProperties() {
        return veilProperties;
    }

    /** Veil's properties as a map, for {@link VeilConfigSources}. */
    public Map<String, String> settings() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : veilProperties.stringPropertyNames()) {
            out.put(k, veilProperties.getProperty(k));
        }
        return out;
    }

    /** Identifies a runtime: the delegate URL and Veil's settings (sorted). */
    String runtimeKey() {
        return delegateUrl + '\n' + new TreeMap<>(settings());
    }

    /**
     * The database name of a {@code jdbc:x://host:port/db?…} URL, or empty: what the KMS encryption context names.
     * Frameworks that wrap a DataSource use the same rule so their keys are shared with URL-based connections.
     */
    public static String databaseName(String url) {
        int hosts = url.indexOf("//");
        if (hosts < 0) {
            return "";
        }
        int slash = url.indexOf('/', hosts + 2);
        if (slash < 0) {
            return "";
        }
        int end = url.length();
        for (char c : new char[] {'?', ';', '&'}) {
            int i = url.indexOf(c, slash);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        return url.substring(slash + 1, end);
    }

    /** {@code jdbc:postgresql:} of a URL, for messages that must not show hosts or credentials. */
    public static String scheme(String url) {
        int second = url.indexOf(':', "jdbc:".length());
        return second < 0 ? "jdbc:" : url.substring(0, second + 1);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "VeilUrl[" + scheme(delegateUrl) + "…, " + veilProperties.stringPropertyNames() + "]";
    }
}
