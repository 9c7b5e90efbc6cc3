package dev.veil.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.google.crypto.tink.prf.PrfSet;
import dev.veil.key.IndexRotation.Phase;
import dev.veil.testing.Await;
import dev.veil.testing.TestDatabaseExtension;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Online rotation of blind-index keys ({@link KeyAdministration#beginIndexRotation} and the phases after it). */
class IndexRotationIT {

    private static final byte[] MESSAGE = "alice@example.com".getBytes(StandardCharsets.UTF_8);
    private static final int PRF_BYTES = 32;
    private static final AtomicInteger TABLES = new AtomicInteger();
    private static final KeyScope SCOPE = KeyScope.blindIndex("public.patients", "email_bidx");

    @RegisterExtension
    static final TestDatabaseExtension DB = TestDatabaseExtension.withMasterKey();

    private String table;

    @BeforeEach
    void newKeyTable() {
        table = "rotation_" + TABLES.incrementAndGet();
    }

    private KeyRingBuilder builder(FakeTicker ticker) {
        return DB.ringBuilder().keyTable(table).ticker(ticker).refreshExecutor(Runnable::run);
    }

    private KeyAdministration admin() throws KeyException {
        return builder(new FakeTicker()).buildAdministration();
    }

    private static byte[] value(PrfSet set, long version) throws GeneralSecurityException {
        return set.getPrfs().get((int) version).compute(MESSAGE, PRF_BYTES);
    }

    /** The rotation columns of the scope's row, as text (null when NULL). */
    private List<String> recorded(KeyScope scope) throws Exception {
        try (Connection c = DB.plainConnection(); PreparedStatement ps = c.prepareStatement("SELECT rotation_phase,"
                + " rotation_version::text, rotation_from_version::text, rotation_changed_at::text FROM " + table
                + " WHERE table_name = ? AND key_name = ?")) {
            ps.setString(1, scope.table());
            ps.setString(2, scope.name());
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                List<String> out = new ArrayList<>();
                for (int i = 1; i <= 4; i++) {
                    out.add(rs.getString(i));
                }
                return out;
            }
        }
    }

    private void sql(String statement) throws Exception {
        try (Connection c = DB.plainConnection(); Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }

    @Test
    void ringsSeeEachPhaseAtTheirNextRefreshOrAtOnceAfterInvalidateAndNewKeyValuesStayStable() throws Exception {
        FakeTicker ticker = new FakeTicker();
        try (KeyRing ring = builder(ticker).build(); KeyAdministration admin = admin()) {
            PrfSet before = ring.prf(SCOPE);
            long oldId = Integer.toUnsignedLong(before.getPrimaryId());
            byte[] oldValue = before.computePrimary(MESSAGE, PRF_BYTES);

            IndexRotation begun = admin.beginIndexRotation(SCOPE);
            long newId = begun.newVersion();
            assertThat(begun.phase()).isEqualTo(Phase.SEARCH_BOTH);
            assertThat(begun.oldVersion()).isEqualTo(oldId);
            assertThat(newId).isNotEqualTo(oldId);
            assertThat(recorded(SCOPE)).startsWith("search-both", Long.toString(newId), Long.toString(oldId));
            assertThat(admin.versions(SCOPE)).extracting(KeyVersion::id, KeyVersion::state, KeyVersion::primary,
                    KeyVersion::type).containsExactly(tuple(oldId, KeyVersion.State.ENABLED, true, "HmacPrfKey"),
                    tuple(newId, KeyVersion.State.ENABLED, false, "HmacPrfKey"));

            // search-both: the cached set is used until its refresh, which brings both keys, the old one primary
            assertThat(ring.prf(SCOPE).getPrfs()).hasSize(1);
            ticker.advance(Duration.ofMinutes(4).plusSeconds(1));
            ring.prf(SCOPE); // starts the refresh (run at once by the test's executor)
            PrfSet searchBoth = ring.prf(SCOPE);
            assertThat(searchBoth.getPrfs()).containsOnlyKeys((int) oldId, (int) newId);
            assertThat(searchBoth.getPrimaryId()).isEqualTo((int) oldId);
            assertThat(searchBoth.computePrimary(MESSAGE, PRF_BYTES)).isEqualTo(oldValue);
            byte[] newValue = value(searchBoth, newId);
            assertThat(newValue).isNotEqualTo(oldValue);

            // write-new: visible at once after invalidate
            assertThat(admin.advanceIndexRotation(SCOPE, Phase.SEARCH_BOTH).phase()).isEqualTo(Phase.WRITE_NEW);
            assertThat(ring.prf(SCOPE).getPrimaryId()).as("still cached").isEqualTo((int) oldId);
            ring.invalidate(SCOPE);
            PrfSet writeNew = ring.prf(SCOPE);
            assertThat(writeNew.getPrimaryId()).isEqualTo((int) newId);
            assertThat(writeNew.getPrfs()).containsOnlyKeys((int) oldId, (int) newId);
            assertThat(writeNew.computePrimary(MESSAGE, PRF_BYTES)).isEqualTo(newValue);
            assertThat(value(writeNew, oldId)).isEqualTo(oldValue);

            // reindex: the keyset does not change
            IndexRotation reindex = admin.advanceIndexRotation(SCOPE, Phase.WRITE_NEW);
            assertThat(reindex.phase()).isEqualTo(Phase.REINDEX);
            ring.invalidate(SCOPE);
            assertThat(ring.prf(SCOPE).getPrfs()).containsOnlyKeys((int) oldId, (int) newId);
            assertThat(ring.prf(SCOPE).getPrimaryId()).isEqualTo((int) newId);

            // retire-old: Tink's PrfSet holds only enabled keys
            assertThat(admin.advanceIndexRotation(SCOPE, Phase.REINDEX).phase()).isEqualTo(Phase.RETIRE_OLD);
            ring.invalidate(SCOPE);
            PrfSet retired = ring.prf(SCOPE);
            assertThat(retired.getPrfs()).containsOnlyKeys((int) newId);
            assertThat(retired.computePrimary(MESSAGE, PRF_BYTES)).isEqualTo(newValue);
            assertThat(admin.versions(SCOPE)).extracting(KeyVersion::id, KeyVersion::state, KeyVersion::primary)
                    .containsExactly(tuple(oldId, KeyVersion.State.DISABLED, false),
                            tuple(newId, KeyVersion.State.ENABLED, true));

            // done: the old key is gone from the keyset and the record is cleared
            IndexRotation done = admin.advanceIndexRotation(SCOPE, Phase.RETIRE_OLD);
            assertThat(done.phase()).isEqualTo(Phase.DONE);
            assertThat(done.newVersion()).isEqualTo(newId);
            assertThat(done.oldVersion()).isEqualTo(oldId);
            assertThat(admin.indexRotation(SCOPE)).isEmpty();
            assertThat(recorded(SCOPE)).containsOnlyNulls();
            assertThat(admin.versions(SCOPE)).extracting(KeyVersion::id, KeyVersion::primary)
                    .containsExactly(tuple(newId, true));
            ring.invalidate(SCOPE);
            assertThat(ring.prf(SCOPE).getPrfs()).containsOnlyKeys((int) newId);
            assertThat(ring.prf(SCOPE).computePrimary(MESSAGE, PRF_BYTES)).isEqualTo(newValue);
            try (KeyRing other = builder(new FakeTicker()).build()) {
                assertThat(other.prf(SCOPE).computePrimary(MESSAGE, PRF_BYTES)).isEqualTo(newValue);
            }
        }
    }

    @Test
    void eachPhaseIsRecordedWithTheDatabaseTimeAndReadWithoutUnwrapping() throws Exception {
        try (KeyRing ring = builder(new FakeTicker()).build(); KeyAdministration admin = admin()) {
            ring.prf(SCOPE);
            assertThat(admin.indexRotation(SCOPE)).isEmpty();
            var before = admin.databaseTime();
            IndexRotation begun = admin.beginIndexRotation(SCOPE);
            assertThat(begun.changedAt()).isAfterOrEqualTo(before).isBeforeOrEqualTo(admin.databaseTime());
            assertThat(admin.indexRotation(SCOPE)).contains(begun);
            assertThat(admin.lastChanged(SCOPE)).contains(begun.changedAt());

            IndexRotation writeNew = admin.advanceIndexRotation(SCOPE, Phase.SEARCH_BOTH);
            assertThat(writeNew.changedAt()).isAfterOrEqualTo(begun.changedAt());
            assertThat(admin.indexRotation(SCOPE)).contains(writeNew);
            assertThat(recorded(SCOPE)).startsWith("write-new");
        }
    }

    @Test
    void beginningAgainResumesTheRecordedRotationWithoutAddingAVersion() throws Exception {
        try (KeyRing ring = builder(new FakeTicker()).build(); KeyAdministration admin = admin()) {
            ring.prf(SCOPE);
            IndexRotation first = admin.beginIndexRotation(SCOPE);
            assertThat(admin.beginIndexRotation(SCOPE)).isEqualTo(first);
            assertThat(admin.versions(SCOPE)).hasSize(2);

            admin.advanceIndexRotation(SCOPE, Phase.SEARCH_BOTH);
            IndexRotation reindex = admin.advanceIndexRotation(SCOPE, Phase.WRITE_NEW);
            try (KeyAdministration rerun = admin()) {
                assertThat(rerun.beginIndexRotation(SCOPE)).isEqualTo(reindex);
            }
            assertThat(admin.versions(SCOPE)).hasSize(2);
        }
    }

    @Test
    void beginRefusesEncryptionScopesAndScopesWithoutAKey() throws Exception {
        try (KeyAdministration admin = admin()) {
            KeyScope encryption = KeyScope.tableEncryption("public.patients");
            assertThatThrownBy(() -> admin.beginIndexRotation(encryption)).isInstanceOf(KeyException.class)
                    .hasMessageContaining("is for blind-index scopes").hasMessageContaining("addVersion");
            assertThatThrownBy(() -> admin.advanceIndexRotation(encryption, Phase.SEARCH_BOTH))
                    .isInstanceOf(KeyException.class).hasMessageContaining("is for blind-index scopes");
            assertThatThrownBy(() -> admin.beginIndexRotation(SCOPE)).isInstanceOf(KeyException.class)
                    .hasMessageContaining("has no key in " + table + " yet");
            assertThat(admin.list()).isEmpty();
        }
    }

    @Test
    void beginRefusesAKeysetWithMoreThanOneEnabledVersion() throws Exception {
        try (KeyRing ring = builder(new FakeTicker()).build(); KeyAdministration admin = admin()) {
            ring.prf(SCOPE);
            admin.beginIndexRotation(SCOPE);
            // abandoned by hand (docs/key-management.md): both versions stay enabled
            sql("UPDATE " + table + " SET rotation_phase = NULL, rotation_version = NULL, rotation_from_version = NULL,"
                    + " rotation_changed_at = NULL");

            assertThatThrownBy(() -> admin.beginIndexRotation(SCOPE)).isInstanceOf(KeyException.class)
                    .hasMessageContaining("it has 2 enabled versions").hasMessageContaining("exactly one");
            assertThat(admin.versions(SCOPE)).hasSize(2);
            assertThat(admin.indexRotation(SCOPE)).isEmpty();
        }
    }

    @Test
    void advanceRefusesAnUnexpectedPhaseAndNamesTheRecordedOne() throws Exception {
        try (KeyRing ring = builder(new FakeTicker()).build(); KeyAdministration admin = admin()) {
            ring.prf(SCOPE);
            assertThatThrownBy(() -> admin.advanceIndexRotation(SCOPE, Phase.SEARCH_BOTH))
                    .isInstanceOf(KeyException.class).hasMessageContaining("no index-key rotation is recorded");
            IndexRotation begun = admin.beginIndexRotation(SCOPE);

            assertThatThrownBy(() -> admin.advanceIndexRotation(SCOPE, Phase.WRITE_NEW))
                    .isInstanceOf(KeyException.class)
                    .hasMessageContaining("is in phase search-both, not write-new");
            assertThatThrownBy(() -> admin.advanceIndexRotation(SCOPE, Phase.DONE))
                    .isInstanceOf(KeyException.class).hasMessageContaining("is in phase search-both, not done");
            assertThat(admin.indexRotation(SCOPE)).contains(begun);
            assertThat(admin.versions(SCOPE)).filteredOn(KeyVersion::primary).extracting(KeyVersion::id)
                    .containsExactly(begun.oldVersion());
        }
    }

    @Test
    void concurrentAdvancesFromOnePhaseLetOneWinAndTellTheOtherTheNewPhase() throws Exception {
        try (KeyRing ring = builder(new FakeTicker()).build(); KeyAdministration admin = admin()) {
            ring.prf(SCOPE);
            IndexRotation begun = admin.beginIndexRotation(SCOPE);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            List<Future<IndexRotation>> results = new ArrayList<>();
            try (Connection holder = DB.plainConnection()) {
                // hold the row lock so that both advances are waiting for it at the same time
                holder.setAutoCommit(false);
                try (Statement st = holder.createStatement()) {
                    st.execute("SELECT 1 FROM " + table + " FOR UPDATE");
                }
                CyclicBarrier start = new CyclicBarrier(2);
                for (int i = 0; i < 2; i++) {
                    results.add(pool.submit(() -> {
                        try (KeyAdministration cli = admin()) {
                            start.await();
                            return cli.advanceIndexRotation(SCOPE, Phase.SEARCH_BOTH);
                        }
                    }));
                }
                awaitLockWaiters(2);
                holder.commit();
            } finally {
                pool.shutdown();
            }
            List<IndexRotation> won = new ArrayList<>();
            List<Throwable> lost = new ArrayList<>();
            for (Future<IndexRotation> f : results) {
                try {
                    won.add(f.get(30, TimeUnit.SECONDS));
                } catch (ExecutionException e) {
                    lost.add(e.getCause());
                }
            }
            assertThat(won).singleElement().extracting(IndexRotation::phase).isEqualTo(Phase.WRITE_NEW);
            assertThat(lost).hasSize(1);
            assertThat(lost.get(0)).isInstanceOf(KeyException.class)
                    .hasMessageContaining("is in phase write-new, not search-both");
            assertThat(admin.versions(SCOPE)).filteredOn(KeyVersion::primary).extracting(KeyVersion::id)
                    .containsExactly(begun.newVersion());
        }
    }

    /** Polls in auto-commit: a transaction would see one snapshot of pg_stat_activity throughout. */
    private static void awaitLockWaiters(int n) throws Exception {
        try (Connection c = DB.plainConnection(); PreparedStatement ps = c.prepareStatement("SELECT count(*)"
                + " FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")) {
            Await.until(n + " advances wait for the row lock together", Duration.ofSeconds(20), () -> {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1) >= n;
                }
            });
        }
    }

    @Test
    void advanceRefusesAKeysetThatNoLongerMatchesTheRecordedPhase() throws Exception {
        try (KeyRing ring = builder(new FakeTicker()).build(); KeyAdministration admin = admin()) {
            ring.prf(SCOPE);
            admin.beginIndexRotation(SCOPE);
            sql("UPDATE " + table + " SET rotation_phase = 'retire-old'"); // the keyset still is search-both's

            assertThatThrownBy(() -> admin.advanceIndexRotation(SCOPE, Phase.RETIRE_OLD))
                    .isInstanceOf(KeyException.class).hasMessageContaining("no longer matches")
                    .hasMessageContaining("phase retire-old expects the new version primary and the old one disabled");
            assertThat(admin.versions(SCOPE)).hasSize(2);
            assertThat(admin.indexRotation(SCOPE).orElseThrow().phase()).isEqualTo(Phase.RETIRE_OLD);
        }
    }

    @Test
    void otherKeysetChangesAreRefusedWhileARotationIsRecorded() throws Exception {
        try (KeyRing ring = builder(new FakeTicker()).build(); KeyAdministration admin = admin()) {
            ring.prf(SCOPE);
            IndexRotation r = admin.beginIndexRotation(SCOPE);

            assertThatThrownBy(() -> admin.disableVersion(SCOPE, r.newVersion())).isInstanceOf(KeyException.class)
                    .hasMessageContaining("refusing to disable a version of " + SCOPE)
                    .hasMessageContaining("rotation of it is in progress (phase search-both)")
                    .hasMessageContaining("veil rotate index-key --index public.patients.email_bidx");
            assertThatThrownBy(() -> admin.destroyVersion(SCOPE, r.newVersion())).isInstanceOf(KeyException.class)
                    .hasMessageContaining("refusing to destroy a version");
            assertThatThrownBy(() -> admin.enableVersion(SCOPE, r.oldVersion())).isInstanceOf(KeyException.class)
                    .hasMessageContaining("refusing to enable a version");
            assertThat(admin.versions(SCOPE)).extracting(KeyVersion::state)
                    .containsOnly(KeyVersion.State.ENABLED).hasSize(2);
        }
    }

    @Test
    void indexRotationsListsTheRotationsInProgressInScopeOrder() throws Exception {
        KeyScope name = KeyScope.blindIndex("public.patients", "name_bidx");
        KeyScope staff = KeyScope.blindIndex("public.staff", "email_bidx");
        try (KeyRing ring = builder(new FakeTicker()).build(); KeyAdministration admin = admin()) {
            ring.prf(SCOPE);
            ring.prf(name);
            ring.prf(staff);
            ring.aead(KeyScope.tableEncryption("public.patients"));
            assertThat(admin.indexRotations()).isEmpty();

            IndexRotation b = admin.beginIndexRotation(staff);
            IndexRotation a = admin.beginIndexRotation(SCOPE);
            assertThat(admin.indexRotations()).containsExactly(a, b);

            admin.advanceIndexRotation(staff, Phase.SEARCH_BOTH);
            admin.advanceIndexRotation(staff, Phase.WRITE_NEW);
            admin.advanceIndexRotation(staff, Phase.REINDEX);
            admin.advanceIndexRotation(staff, Phase.RETIRE_OLD);
            assertThat(admin.indexRotations()).containsExactly(a);
            assertThat(admin.indexRotation(name)).isEmpty();
        }
    }

    @Test
    void aPhaseThisVeilDoesNotKnowFailsReadingTheRotationButNotTheRing() throws Exception {
        try (KeyRing ring = builder(new FakeTicker()).build(); KeyAdministration admin = admin()) {
            byte[] value = ring.prf(SCOPE).computePrimary(MESSAGE, PRF_BYTES);
            admin.beginIndexRotation(SCOPE);
            sql("UPDATE " + table + " SET rotation_phase = 'shuffle'");

            assertThatThrownBy(() -> admin.indexRotation(SCOPE)).isInstanceOf(KeyException.class)
                    .hasMessageContaining("phase 'shuffle'").hasMessageContaining("does not know");
            assertThatThrownBy(admin::indexRotations).isInstanceOf(KeyException.class);
            assertThatThrownBy(() -> admin.beginIndexRotation(SCOPE)).isInstanceOf(KeyException.class);
            try (KeyRing other = builder(new FakeTicker()).build()) {
                assertThat(other.prf(SCOPE).computePrimary(MESSAGE, PRF_BYTES)).isEqualTo(value);
            }
        }
    }
}
