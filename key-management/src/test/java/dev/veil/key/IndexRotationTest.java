package dev.veil.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.key.IndexRotation.Phase;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class IndexRotationTest {

    @Test
    void phasesHaveTheCliNamesInOrder() {
        assertThat(Arrays.stream(Phase.values()).map(Phase::configName))
                .containsExactly("search-both", "write-new", "reindex", "retire-old", "done");
        assertThat(Phase.SEARCH_BOTH.next()).isEqualTo(Phase.WRITE_NEW);
        assertThat(Phase.WRITE_NEW.next()).isEqualTo(Phase.REINDEX);
        assertThat(Phase.REINDEX.next()).isEqualTo(Phase.RETIRE_OLD);
        assertThat(Phase.RETIRE_OLD.next()).isEqualTo(Phase.DONE);
        assertThatThrownBy(Phase.DONE::next).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void ofConfigNameReadsEveryNameAndRefusesOthers() {
        for (Phase p : Phase.values()) {
            assertThat(Phase.ofConfigName(p.configName())).isEqualTo(p);
        }
        assertThatThrownBy(() -> Phase.ofConfigName("SEARCH_BOTH")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown index-key rotation phase 'SEARCH_BOTH'");
    }

    @Test
    void toStringNamesScopePhaseVersionsAndTimeOnly() {
        IndexRotation r = new IndexRotation(KeyScope.blindIndex("public.patients", "email_bidx"), Phase.WRITE_NEW,
                3_000_000_000L, 7, Instant.parse("2026-01-02T03:04:05Z"));
        assertThat(r).hasToString("IndexRotation[public.patients.email_bidx/blind_index write-new, new version "
                + "3000000000, old version 7, since 2026-01-02T03:04:05Z]");
    }
}
