package dev.veil.cli;

import dev.veil.admin.AdminException;
import dev.veil.admin.VeilAdmin;
import dev.veil.driver.config.VeilConfig;
import dev.veil.driver.config.VeilConfigException;
import dev.veil.driver.VeilConfigSources;
import dev.veil.driver.config.VeilProperty;
import dev.veil.driver.VeilUrl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * Where the database and the configuration are: {@code --url} (plain {@code jdbc:postgresql://…} or a
 * {@code jdbc:veil:…} URL), {@code --config veil.yml} (the driver's YAML), {@code --user}, and the password from
 * {@code VEIL_DB_PASSWORD}, {@code PGPASSWORD} or {@code --password-file} — never from the command line, so it
 * does not show in the process list or the shell history.
 */
final class ConnectionOptions {

    @Option(names = "--url", paramLabel = "JDBC-URL", description = "jdbc:postgresql://host/db or a jdbc:veil:… URL "
            + "(default: $VEIL_DB_URL)")
    String url;

    @Option(names = "--config", paramLabel = "FILE", description = "the Veil YAML configuration (default: the URL's "
            + "veil.config, else $VEIL_CONFIG)")
    Path config;

    @Option(names = "--user", paramLabel = "USER", description = "database user (default: $VEIL_DB_USER, else the "
            + "URL's)")
    String user;

    @Option(names = "--password-file", paramLabel = "FILE", description = "file whose first line is the password "
            + "(else $VEIL_DB_PASSWORD, else $PGPASSWORD)")
    Path passwordFile;

    VeilAdmin open() throws AdminException {
        String u = url != null ? url : System.getenv("VEIL_DB_URL");
        if (u == null || u.isBlank()) {
            throw AdminException.usage("no database: give --url jdbc:postgresql://host:port/db (or set VEIL_DB_URL)");
        }
        if (u.toLowerCase(java.util.Locale.ROOT).matches(".*[?&]password=.*")) {
            throw AdminException.usage("--url contains a password, which would show in the process list and the shell "
                    + "history; remove it and set VEIL_DB_PASSWORD (or PGPASSWORD, or --password-file) instead");
        }
        try {
            Map<String, String> veil = new LinkedHashMap<>();
            String plain = u;
            if (VeilUrl.accepts(u)) {
                VeilUrl parsed = VeilUrl.parse(u, new Properties());
                veil.putAll(parsed.settings());
                plain = parsed.delegateUrl();
            } else if (!u.startsWith("jdbc:postgresql:")) {
                throw AdminException.usage("--url must be a jdbc:postgresql:// or jdbc:veil:postgresql:// URL");
            }
            Path cfg = config != null ? config
                    : System.getenv("VEIL_CONFIG") != null ? Path.of(System.getenv("VEIL_CONFIG")) : null;
            if (cfg != null) {
                if (!Files.isReadable(cfg)) {
                    throw AdminException.usage("cannot read the configuration file " + cfg);
                }
                veil.put(VeilProperty.CONFIG.key(), cfg.toAbsolutePath().toString());
            }
            VeilConfig vc;
            try {
                vc = VeilConfigSources.of(veil, "the URL's veil.* properties")
                        .noSourceHint("in the URL, or give --config veil.yml (the same YAML as the driver's)").build();
            } catch (VeilConfigException e) {
                throw AdminException.usage("invalid Veil configuration: " + e.getMessage());
            }
            Properties props = new Properties();
            // pgjdbc otherwise puts a failed batch's parameters and the server's DETAIL ("Failing row contains
            // (…)") into exception messages, which the commands print: values would reach stderr and the JSON
            props.setProperty("logServerErrorDetail", "false");
            String who = user != null ? user : System.getenv("VEIL_DB_USER");
            if (who != null) {
                props.setProperty("user", who);
            }
            String password = password();
            if (password != null) {
                props.setProperty("password", password);
            }
            String target = plain;
            return VeilAdmin.open(vc, () -> DriverManager.getConnection(target, props), VeilUrl.databaseName(plain));
        } catch (SQLException e) {
            throw AdminException.usage(e.getMessage());
        }
    }

    private String password() throws AdminException {
        if (passwordFile != null) {
            try {
                String text = Files.readString(passwordFile, StandardCharsets.UTF_8);
                int nl = text.indexOf('\n');
                return (nl < 0 ? text : text.substring(0, nl)).strip();
            } catch (IOException e) {
                throw AdminException.usage("cannot read the password file " + passwordFile + ": " + e.getMessage());
            }
        }
        String p = System.getenv("VEIL_DB_PASSWORD");
        return p != null ? p : System.getenv("PGPASSWORD");
    }
}
