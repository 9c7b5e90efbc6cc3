package dev.veil.spring;

import dev.veil.testing.TestMasterKeys;
import java.nio.file.Path;

/** One development master keyset per test JVM. */
public final class TestKeys {

    private static Path keyset;

    private TestKeys() {
    }

    public static synchronized String masterKey() {
        if (keyset == null) {
            keyset = TestMasterKeys.fresh("spring-test");
            keyset.getParent().toFile().deleteOnExit();
            keyset.toFile().deleteOnExit();
        }
        return "local-keyset:" + keyset;
    }

    /** A Spring Boot auto-configuration class of this line (4.x package first, then 3.x). */
    public static Class<?> autoConfiguration(String boot4, String boot3) {
        for (String name : new String[] {boot4, boot3}) {
            try {
                return Class.forName(name);
            } catch (ClassNotFoundException e) {
                // try the other line's package
            }
        }
        throw new IllegalStateException("neither " + boot4 + " nor " + boot3 + " is on the class path");
    }

    public static Class<?>[] jpaAutoConfigurations() {
        return new Class<?>[] {
            autoConfiguration("org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
                    "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration"),
            autoConfiguration("org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
                    "org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration"),
            autoConfiguration("org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration",
                    "org.springframework.boot.autoconfigure.jdbc.JdbcTemplateAutoConfiguration"),
            autoConfiguration("org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
                    "org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration"),
        };
    }
}
