package dev.veil.e2e;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Everything logged through {@code java.util.logging} while installed — where {@code System.Logger} goes by default,
 * so Veil's own logging — with chosen loggers raised to {@link Level#ALL} (TRACE and below included). A handler on
 * the root logger at {@code ALL} receives the records of every logger; the raised loggers decide what is produced.
 * {@link #close()} restores the levels and removes the handler.
 */
final class CapturedLog implements AutoCloseable {

    private final Logger root = Logger.getLogger("");
    // strong references: java.util.logging keeps loggers weakly, and a collected logger forgets its level
    private final Map<Logger, Level> raised = new LinkedHashMap<>();
    private final ConcurrentLinkedQueue<String> records = new ConcurrentLinkedQueue<>();
    private final Handler handler = new Handler() {
        private final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord r) {
            StringBuilder sb = new StringBuilder(r.getLevel() + " " + r.getLoggerName() + ": ");
            sb.append(formatter.formatMessage(r));
            if (r.getThrown() != null) {
                StringWriter w = new StringWriter();
                r.getThrown().printStackTrace(new PrintWriter(w));
                sb.append('\n').append(w);
            }
            records.add(sb.toString());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    /** Captures every record, producing everything for the loggers (and their children) named here. */
    static CapturedLog install(String... loggersAtAll) {
        CapturedLog log = new CapturedLog();
        for (String name : loggersAtAll) {
            Logger l = Logger.getLogger(name);
            log.raised.put(l, l.getLevel());
            l.setLevel(Level.ALL);
        }
        log.handler.setLevel(Level.ALL);
        log.root.addHandler(log.handler);
        return log;
    }

    /** The records so far, formatted (level, logger, message with its parameters, stack trace of any throwable). */
    List<String> records() {
        return new ArrayList<>(records);
    }

    /** The records of loggers whose name starts with {@code prefix}. */
    List<String> recordsOf(String prefix) {
        List<String> out = new ArrayList<>();
        for (String r : records) {
            String logger = r.substring(r.indexOf(' ') + 1, r.indexOf(": "));
            if (logger.startsWith(prefix)) {
                out.add(r);
            }
        }
        return out;
    }

    @Override
    public void close() {
        root.removeHandler(handler);
        raised.forEach(Logger::setLevel);
    }
}
