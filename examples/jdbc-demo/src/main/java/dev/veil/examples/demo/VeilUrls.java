package dev.veil.examples.demo;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The one change an application makes: {@code jdbc:postgresql://…} becomes {@code jdbc:veil:postgresql://…}. */
final class VeilUrls {

    private VeilUrls() {
    }

    /** {@code jdbc:veil:postgresql://host:port/db?…&veil.config=/path/veil.yml} */
    static String veil(String plainUrl, Path config) {
        String rest = plainUrl.substring("jdbc:".length());
        String encoded = URLEncoder.encode(config.toString(), StandardCharsets.UTF_8).replace("%2F", "/");
        return "jdbc:veil:" + rest + (rest.contains("?") ? "&" : "?") + "veil.config=" + encoded;
    }

    /** The URL without its pgjdbc parameters (which may hold a password), keeping {@code veil.*} ones. */
    static String display(String url) {
        int query = url.indexOf('?');
        if (query < 0) {
            return url;
        }
        StringBuilder shown = new StringBuilder(url.substring(0, query));
        boolean hidden = false;
        char separator = '?';
        for (String pair : url.substring(query + 1).split("&")) {
            if (pair.startsWith("veil.")) {
                shown.append(separator).append(pair);
                separator = '&';
            } else if (!pair.isEmpty()) {
                hidden = true;
            }
        }
        return hidden ? shown.append(separator).append("...").toString() : shown.toString();
    }

    /** {@code jdbc:postgresql:} of a URL, for messages. */
    static String scheme(String url) {
        int second = url.indexOf(':', "jdbc:".length());
        return second < 0 ? "a URL not starting with jdbc:" : url.substring(0, second + 1);
    }
}
