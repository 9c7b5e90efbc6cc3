package dev.veil.driver;

import dev.veil.driver.sql.SqlAnalyzer;
import dev.veil.key.CryptoWarmUp;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Once per JVM, when the first Veil runtime is being created: a short-lived daemon thread ({@code veil-warm-up})
 * loads and initialises Tink, the JCE's AES-GCM and HMAC, and the SQL lexer and parser
 * ({@link CryptoWarmUp#run()}, {@link SqlAnalyzer#warmUp()}) while the application's thread reads the
 * configuration, opens the connection and reads the catalog — work the first statement would otherwise do on the
 * application's thread. It holds no keys or values of the application, and ends by itself. The system property
 * {@code veil.warm-up=false} turns it off.
 */
final class WarmUp {

    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private WarmUp() {
    }

    static void start() {
        if (!Boolean.parseBoolean(System.getProperty("veil.warm-up", "true")) || !STARTED.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(() -> {
            CryptoWarmUp.run();
            SqlAnalyzer.warmUp();
        }, "veil-warm-up");
        t.setDaemon(true);
        t.start();
    }
}
