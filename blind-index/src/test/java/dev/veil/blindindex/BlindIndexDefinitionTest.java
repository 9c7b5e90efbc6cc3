package dev.veil.blindindex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.key.KeyScope;

import java.util.List;
import org.junit.jupiter.api.Test;

class BlindIndexDefinitionTest {

    private static BlindIndexDefinition.Builder email() {
        return BlindIndexDefinition.builder().table("public.patients").column("email");
    }

    @Test
    void build_withOnlyTableAndColumn_usesDefaults() {
        BlindIndexDefinition d = email().build();

        assertThat(d.name()).isEqualTo("email_bidx");
        assertThat(d.columnNames()).containsExactly("email");
        assertThat(d.bits()).isEqualTo(256);
        assertThat(d.outputBytes()).isEqualTo(32);
        assertThat(d.exact()).isTrue();
        assertThat(d.normalizes()).isFalse();
        assertThat(d.compound()).isFalse();
        assertThat(d.slowHash()).isEmpty();
        assertThat(d.domain()).isEmpty();
        assertThat(d.keyScope()).isEqualTo(KeyScope.blindIndex("public.patients", "email_bidx"));
        assertThat(d).hasToString("public.patients.email_bidx[email] bits=256 exact, fast");
    }

    @Test
    void build_yamlStyleMapping_givesTheConfiguredIndex() {
        // { column: email, bits: 32, normalize: [lowercase, trim], slow: argon2id, domain: person_email }
        BlindIndexDefinition d = BlindIndexDefinition.builder().table("public.patients").column("email").bits(32)
                .normalize("lowercase", "trim").slow("argon2id").domain("person_email").build();

        assertThat(d.exact()).isFalse();
        assertThat(d.outputBytes()).isEqualTo(4);
        assertThat(d.normalizes()).isTrue();
        assertThat(d.slowHash()).contains(Argon2idCost.PRODUCTION);
        assertThat(d.keyScope()).isEqualTo(KeyScope.blindIndex(BlindIndexDefinition.JOIN_DOMAIN_TABLE, "person_email"));
        assertThat(d).hasToString("public.patients.email_bidx[email[lowercase, trim]] bits=32 truncated, "
                + "argon2id(m=19456 KiB, t=2, p=1), domain=person_email");
    }

    @Test
    void build_compound_defaultNameJoinsColumnsAndKeepsOrder() {
        BlindIndexDefinition d = BlindIndexDefinition.builder().table("public.patients")
                .columns("last_name", "birth_date").normalize("lowercase").build();

        assertThat(d.name()).isEqualTo("last_name_birth_date_bidx");
        assertThat(d.compound()).isTrue();
        assertThat(d.columns()).extracting(SourceColumn::normalizerNames)
                .containsExactly(List.of("lowercase"), List.of("lowercase"));
    }

    @Test
    void build_exactThreshold_is128Bits() {
        assertThat(email().bits(128).build().exact()).isTrue();
        assertThat(email().bits(127).build().exact()).isFalse();
        assertThat(email().bits(0).build().bits()).isEqualTo(256);   // 0 = default, as in @BlindIndex
    }

    @Test
    void build_badBits_namesIndexValueAndRange() {
        assertThatThrownBy(() -> email().bits(300).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("blind index public.patients.email_bidx: bits 300 is out of range 1..256 "
                        + "(128 and more is exact; fewer is truncated)");
        assertThatThrownBy(() -> email().bits(-1).build()).hasMessageContaining("bits -1 is out of range 1..256");
    }

    @Test
    void build_badArgon2Cost_namesIndexParameterAndRange() {
        assertThatThrownBy(() -> email().argon2id(4, 1, 1).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("blind index public.patients.email_bidx: argon2id memory 4 KiB is out of range "
                        + "8..4194304 KiB (at least 8 KiB per lane; parallelism 1)");
        assertThatThrownBy(() -> email().argon2id(19456, 0, 1).build())
                .hasMessage("blind index public.patients.email_bidx: argon2id iterations 0 is out of range 1..1000");
        assertThatThrownBy(() -> email().argon2id(19456, 2, 65).build())
                .hasMessage("blind index public.patients.email_bidx: argon2id parallelism 65 is out of range 1..64");
        assertThatThrownBy(() -> new Argon2idCost(8, 1, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("argon2id memory 8 KiB is out of range 16..4194304 KiB (at least 8 KiB per lane; "
                        + "parallelism 2)");
    }

    @Test
    void build_unknownSlowModeOrNormalizer_listsAllowedValues() {
        assertThatThrownBy(() -> email().slow("bcrypt").build())
                .hasMessage("blind index public.patients.email_bidx: slow mode 'bcrypt' is not known; allowed: none, argon2id");
        assertThatThrownBy(() -> email().normalize("uppercase").build())
                .hasMessageStartingWith("blind index public.patients.email_bidx: normalizer 'uppercase' is not known; "
                        + "known: [lowercase, trim, nfkc, digits-only");
        assertThat(email().slow("none").build().slowHash()).isEmpty();
        assertThat(email().slow("").build().slowHash()).isEmpty();
        assertThat(email().argon2id().fast().build().slowHash()).isEmpty();
    }

    @Test
    void build_missingOrBadStructure_saysWhatToDo() {
        assertThatThrownBy(() -> BlindIndexDefinition.builder().column("email").build())
                .hasMessage("blind index on (email): table is missing; set the table of the source columns, "
                        + "e.g. public.patients");
        assertThatThrownBy(() -> BlindIndexDefinition.builder().table("public.t").build())
                .hasMessage("blind index on public.t: no source column; add column(...)");
        assertThatThrownBy(() -> BlindIndexDefinition.builder().table("public.t").columns("a", "a").build())
                .hasMessage("blind index on public.t(a, a): column 'a' is listed twice");
        assertThatThrownBy(() -> email().name("email-bidx").build())
                .hasMessage("blind index public.patients.email-bidx: name 'email-bidx' is not allowed; use 1..63 "
                        + "letters, digits and '_', not starting with a digit");
        assertThatThrownBy(() -> BlindIndexDefinition.builder().table("public.t").column("E Mail").build())
                .hasMessageEndingWith("(set name(...))");
        assertThatThrownBy(() -> email().domain("person email").build())
                .hasMessageContaining("domain 'person email' is not allowed");
        assertThatThrownBy(() -> BlindIndexDefinition.builder().table(BlindIndexDefinition.JOIN_DOMAIN_TABLE)
                .column("c").build()).hasMessageContaining("is reserved for join-domain keys");
    }

    @Test
    void checkJoinDomains_consistentDomain_passes() {
        BlindIndexDefinition a = email().domain("person_email").normalize("lowercase").bits(64).build();
        BlindIndexDefinition b = BlindIndexDefinition.builder().table("hr.staff").column("mail").domain("person_email")
                .normalize("lowercase").bits(64).build();
        BlindIndexDefinition other = email().name("x_bidx").bits(8).build();

        BlindIndexDefinition.checkJoinDomains(List.of(a, b, other));
    }

    @Test
    void checkJoinDomains_mismatch_namesDomainIndexesAndDifference() {
        BlindIndexDefinition a = email().domain("person_email").normalize("lowercase").build();
        BlindIndexDefinition bits = BlindIndexDefinition.builder().table("hr.staff").column("mail")
                .domain("person_email").normalize("lowercase").bits(64).build();
        BlindIndexDefinition norm = BlindIndexDefinition.builder().table("hr.staff").column("mail")
                .domain("person_email").build();
        BlindIndexDefinition slow = BlindIndexDefinition.builder().table("hr.staff").column("mail")
                .domain("person_email").normalize("lowercase").argon2id().build();

        assertThatThrownBy(() -> BlindIndexDefinition.checkJoinDomains(List.of(a, bits)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("join domain person_email: public.patients.email_bidx and hr.staff.mail_bidx differ in "
                        + "bits (256 vs 64); every index of a domain needs the same bits, slow mode, number of "
                        + "columns and normalizers");
        assertThatThrownBy(() -> BlindIndexDefinition.checkJoinDomains(List.of(a, norm)))
                .hasMessageContaining("normalizers of part 1 ([lowercase] vs [])");
        assertThatThrownBy(() -> BlindIndexDefinition.checkJoinDomains(List.of(a, slow)))
                .hasMessageContaining("slow mode (none vs argon2id(m=19456 KiB, t=2, p=1))");
    }

    @Test
    void equals_sameConfiguration_isEqual() {
        assertThat(email().normalize("trim").build()).isEqualTo(email().normalize("trim").build())
                .hasSameHashCodeAs(email().normalize("trim").build())
                .isNotEqualTo(email().normalize("lowercase").build())
                .isNotEqualTo(email().normalize("trim").bits(64).build());
    }

    @Test
    void argon2idCost_profiles_areMarked() {
        assertThat(Argon2idCost.PRODUCTION.belowProduction()).isFalse();
        assertThat(Argon2idCost.INSECURE_FOR_TESTS.belowProduction()).isTrue();
        assertThat(Argon2idCost.INSECURE_FOR_TESTS).hasToString("argon2id(m=64 KiB, t=1, p=1) [below production cost]");
        assertThat(new Argon2idCost(65_536, 3, 4).belowProduction()).isFalse();
    }
}
