package dev.veil.blindindex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.veil.blindindex.LeakageReport.Kind;
import dev.veil.blindindex.LeakageReport.Severity;
import org.junit.jupiter.api.Test;

/** The worked examples of docs/blind-index.md, "Leakage guidance". */
class LeakageGuidanceTest {

    @Test
    void assess_exactIndexOnUniqueEmails_notesFingerprintAndRecommends18Bits() {
        LeakageReport r = LeakageGuidance.assess(256, ColumnStatistics.of(1_000_000, 1_000_000));

        assertThat(r.exact()).isTrue();
        assertThat(r.expectedTrueMatches()).isEqualTo(1.0);
        assertThat(r.expectedFalsePositives()).isLessThan(1e-70);
        assertThat(r.uniquelyIdentifiedShare()).isCloseTo(1.0, within(1e-12));
        assertThat(r.maxBits()).isEqualTo(18);      // floor(log2 1e6 − 1) = floor(18.93)
        assertThat(r.minBits()).isEqualTo(10);      // ceil(log2(999,999 / 1,000)) = ceil(9.97)
        assertThat(r.recommended()).hasValue(18);
        assertThat(r.warnings()).singleElement().satisfies(w -> {
            assertThat(w.kind()).isEqualTo(Kind.FINGERPRINT);
            assertThat(w.severity()).isEqualTo(Severity.NOTE);      // mostly unique values: little beyond equality
        });
        assertThat(r.hasWarnings()).isFalse();
    }

    @Test
    void assess_16BitsOnUniqueEmails_isWithinRangeWith15FalsePositivesPerLookup() {
        LeakageReport r = LeakageGuidance.assess(16, ColumnStatistics.of(1_000_000, 1_000_000));

        assertThat(r.falsePositiveRatePerRow()).isEqualTo(1.0 / 65_536);
        assertThat(r.expectedFalsePositives()).isCloseTo(15.26, within(0.01));    // 999,999 / 65,536
        assertThat(r.expectedCandidates()).isCloseTo(16.26, within(0.01));
        assertThat(r.distinctValuesPerIndexValue()).isCloseTo(16.26, within(0.01));
        assertThat(r.falsePositiveProbabilityPerLookup()).isCloseTo(1.0, within(1e-6));
        assertThat(r.coincidenceCount()).isCloseTo(15.26, within(0.01));           // CipherSweet C = R / 2^16
        assertThat(r.warnings()).isEmpty();
    }

    @Test
    void assess_4BitsOnUniqueEmails_warnsTooShort() {
        LeakageReport r = LeakageGuidance.assess(4, ColumnStatistics.of(1_000_000, 1_000_000));

        assertThat(r.expectedCandidates()).isCloseTo(62_500.9, within(0.1));
        assertThat(r.warning(Kind.TOO_SHORT)).get().satisfies(w -> assertThat(w.message())
                .isEqualTo("at 4 bits a lookup returns ~62,501 rows of which ~62,500 are false positives (>99.99% of "
                        + "the candidates), more than max(√R, rows per value) = 1,000; use at least 10 bits"));
    }

    @Test
    void assess_exactIndexOnLastNames_warnsFingerprintAndLowCardinality() {
        LeakageReport r = LeakageGuidance.assess(256, ColumnStatistics.of(1_000, 1_000_000));

        assertThat(r.maxBits()).isEqualTo(8);       // floor(log2 1000 − 1) = floor(8.97)
        assertThat(r.minBits()).isEqualTo(10);      // ceil(log2(999,000 / 1,000)) = ceil(9.96)
        assertThat(r.recommended()).hasValue(8);
        assertThat(r.coincidenceCount()).isCloseTo(1_000, within(1e-6));   // R / 2^log2(N) = rows per value
        assertThat(r.warning(Kind.FINGERPRINT)).get().extracting(LeakageReport.Warning::severity)
                .isEqualTo(Severity.WARNING);
        assertThat(r.warning(Kind.LOW_CARDINALITY)).isPresent();
        assertThat(r.hasWarnings()).isTrue();
    }

    @Test
    void assess_8BitsOnLastNames_gives4902RowsPerLookupAnd4_9NamesPerIndexValue() {
        LeakageReport r = LeakageGuidance.assess(8, ColumnStatistics.of(1_000, 1_000_000));

        assertThat(r.expectedTrueMatches()).isEqualTo(1_000.0);
        assertThat(r.expectedFalsePositives()).isCloseTo(3_902.3, within(0.1));   // 999,000 / 256
        assertThat(r.distinctValuesPerIndexValue()).isCloseTo(4.90, within(0.01)); // 1 + 999 / 256
        assertThat(r.uniquelyIdentifiedShare()).isCloseTo(0.0201, within(0.0001)); // (255/256)^999
        assertThat(r.warning(Kind.FINGERPRINT)).isEmpty();
        assertThat(r.warning(Kind.TOO_SHORT)).isPresent();
        assertThat(r.warning(Kind.LOW_CARDINALITY)).isPresent();
    }

    @Test
    void assess_threeValuedColumn_recommendsNoIndexOfItsOwn() {
        LeakageReport r = LeakageGuidance.assess(32, ColumnStatistics.of(3, 1_000_000));

        assertThat(r.recommended()).isEmpty();
        assertThat(r.maxBits()).isZero();
        assertThat(r.warnings()).extracting(LeakageReport.Warning::kind).containsExactly(Kind.LOW_CARDINALITY);
        assertThat(r.toString()).contains("do not index this column alone");
    }

    @Test
    void assess_24BitsOnTenMillionSsns_halfTheValuesStandAlone() {
        LeakageReport r = LeakageGuidance.assess(24, ColumnStatistics.of(10_000_000, 10_000_000));

        assertThat(r.distinctValuesPerIndexValue()).isCloseTo(1.596, within(0.001));  // 1 + 9,999,999 / 2^24
        assertThat(r.uniquelyIdentifiedShare()).isCloseTo(0.551, within(0.001));       // e^(−0.596)
        assertThat(r.falsePositiveProbabilityPerLookup()).isCloseTo(0.449, within(0.001));
        assertThat(r.maxBits()).isEqualTo(22);
        assertThat(r.minBits()).isEqualTo(12);      // ceil(log2(9,999,999 / 3,162.3)) = ceil(11.63)
        assertThat(r.warning(Kind.FINGERPRINT)).get().extracting(LeakageReport.Warning::severity)
                .isEqualTo(Severity.NOTE);
    }

    @Test
    void assess_definition_namesTheIndexInTheReport() {
        BlindIndexDefinition d = BlindIndexDefinition.builder().table("public.patients").column("email").bits(16).build();

        LeakageReport r = LeakageGuidance.assess(d, ColumnStatistics.of(1_000_000, 1_000_000));

        assertThat(r.index()).isEqualTo("public.patients.email_bidx");
        assertThat(r.toString()).isEqualTo(String.join("\n",
                "Blind index public.patients.email_bidx at 16 bits (truncated) over ~1,000,000 distinct values in "
                        + "~1,000,000 rows",
                "  per lookup: ~16.3 rows (1 matching, 15.3 false positives); false-positive rate per row 1.53e-05; "
                        + "chance of any false positive >99.99%",
                "  reveals: ~16.3 distinct values per index value; 2.36e-05% of values have an index value of their own",
                "  CipherSweet coincidence count C = 15.3 (advice: 2 ≤ C < √R = 1,000)",
                "  recommended: 18 bits (privacy ceiling 18, usefulness floor 10)"));
    }

    @Test
    void assess_badBits_isRefused() {
        assertThatThrownBy(() -> LeakageGuidance.assess(0, ColumnStatistics.of(1, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("bits 0 is out of range 1..256");
    }

    @Test
    void fromPostgres_positiveNDistinct_isACount() {
        assertThat(ColumnStatistics.fromPostgres(1_000, 1_000_000)).contains(new ColumnStatistics(1_000, 1_000_000));
    }

    @Test
    void fromPostgres_negativeNDistinct_isAFractionOfRows() {
        assertThat(ColumnStatistics.fromPostgres(-1, 50_000)).contains(new ColumnStatistics(50_000, 50_000));
        assertThat(ColumnStatistics.fromPostgres(-0.25, 400)).contains(new ColumnStatistics(100, 400));
    }

    @Test
    void fromPostgres_unknownOrNeverAnalysed_isEmptyAndEstimatesAreClamped() {
        assertThat(ColumnStatistics.fromPostgres(-1, -1)).isEmpty();          // reltuples -1: never analysed
        assertThat(ColumnStatistics.fromPostgres(0, 1_000)).isEmpty();        // n_distinct 0: unknown
        assertThat(ColumnStatistics.fromPostgres(5_000, 1_000)).contains(new ColumnStatistics(1_000, 1_000));
    }

    @Test
    void columnStatistics_outOfRange_isRefused() {
        assertThatThrownBy(() -> ColumnStatistics.of(0, 10)).hasMessage("distinct values 0.0 is out of range 1..rows (10.0)");
        assertThatThrownBy(() -> ColumnStatistics.of(11, 10)).hasMessage("distinct values 11.0 is out of range 1..rows (10.0)");
        assertThatThrownBy(() -> ColumnStatistics.of(1, 0)).hasMessage("rows 0.0 is out of range: at least 1");
    }
}
