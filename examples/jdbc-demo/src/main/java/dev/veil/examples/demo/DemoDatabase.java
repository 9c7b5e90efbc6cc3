package dev.veil.examples.demo;

import java.util.Properties;

/**
 * The PostgreSQL database the demo writes to.
 *
 * @param url a plain {@code jdbc:postgresql://host:port/db} URL (it may carry pgjdbc parameters)
 * @param properties connection properties for pgjdbc (user, password), possibly empty
 * @param description what to call it in the report; never shows credentials
 */
public record DemoDatabase(String url, Properties properties, String description) {

    private static final String POSTGRESQL = "jdbc:postgresql://";

    public DemoDatabase {
        if (url == null || !url.startsWith(POSTGRESQL)) {
            throw new IllegalArgumentException("the demo needs a plain jdbc:postgresql://host:port/db URL");
        }
        Properties copy = new Properties();
        copy.putAll(properties);
        properties = copy;
    }

    /** A database given by the user: described by host, port and name only (no parameters, no credentials). */
    public static DemoDatabase of(String url) {
        if (!url.startsWith(POSTGRESQL)) {
            throw new IllegalArgumentException("the demo needs a plain jdbc:postgresql://host:port/db URL, not "
                    + VeilUrls.scheme(url));
        }
        int query = url.indexOf('?');
        String hostAndDb = url.substring(POSTGRESQL.length(), query < 0 ? url.length() : query);
        return new DemoDatabase(url, new Properties(), "PostgreSQL at " + hostAndDb);
    }

    @Override
    public Properties properties() {
        Properties copy = new Properties();
        copy.putAll(properties);
        return copy;
    }
}
