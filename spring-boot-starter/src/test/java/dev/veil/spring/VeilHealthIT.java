package dev.veil.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.driver.config.VeilConfig;
import dev.veil.driver.runtime.RuntimeSeams;
import dev.veil.driver.runtime.VeilRuntime;
import dev.veil.key.FakeTicker;
import dev.veil.key.KeyScope;
import dev.veil.key.aws.FakeKmsServer;
import dev.veil.testing.TestDatabase;
import java.sql.DriverManager;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** UP, then DEGRADED while a cached key is served stale, then DOWN when a key cannot be loaded at all. */
class VeilHealthIT {

    static final TestDatabase DB = TestDatabase.create(VeilHealthIT.class);
    static FakeKmsServer kms;

    @BeforeAll
    static void start() throws Exception {
        kms = FakeKmsServer.start();
    }

    @AfterAll
    static void stop() {
        kms.close();
        DB.drop();
    }

    /**
     * The key ring reports degraded while a key's latest master-key attempt failed within the last TTL. The runtime
     * and the health state share a fake ticker, so time moves only when the test says: no sleeping past the TTL, and
     * no busy machine can let the failure age out before {@code check()} looks.
     */
    static final Duration TTL = Duration.ofSeconds(2);

    @Test
    void upDegradedDown() throws Exception {
        VeilConfig.Builder builder = VeilConfig.builder().masterKey(FakeKmsServer.uri(kms.createKey()))
                .keyCacheTtl(TTL).keyMaxStaleness(Duration.ofMinutes(5))
                .encrypt("t", "a").encrypt("t", "b");
        kms.options().forEach(builder::masterKeyOption);
        FakeTicker ticker = new FakeTicker();
        try (VeilRuntime runtime = RuntimeSeams.tuned(builder.build(),
                () -> DriverManager.getConnection(DB.url(), DB.properties()), DB.name(), ticker, b -> b)) {
            VeilHealth health = new VeilHealth(ticker::read);
            health.customize(runtime);
            runtime.keys().aead(KeyScope.encryption("public.t", "a"));
            assertThat(health.check().status()).isEqualTo("UP");
            assertThat(health.check().details()).containsEntry("degraded", false).containsEntry("runtimes", 1);

            kms.fault(FakeKmsServer.Fault.INTERNAL_ERROR);
            ticker.advance(TTL.plusMillis(100)); // past the TTL: the next use refreshes, the KMS fails
            runtime.keys().aead(KeyScope.encryption("public.t", "a")); // served stale
            VeilHealth.Result degraded = health.check();
            assertThat(degraded.status()).isEqualTo("DEGRADED");
            assertThat(degraded.details()).containsEntry("degraded", true).containsKey("lastFailure");
            assertThat((Long) degraded.details().get("staleServes")).isPositive();

            assertThatThrownBy(() -> runtime.keys().aead(KeyScope.encryption("public.t", "b")));
            VeilHealth.Result down = health.check();
            assertThat(down.status()).isEqualTo("DOWN");
            assertThat(down.details().get("unavailableKeys").toString()).contains("public.t.b");
            assertThat(down.details().toString()).doesNotContain("veil1:");

            kms.fault(FakeKmsServer.Fault.NONE);
        }
    }
}
