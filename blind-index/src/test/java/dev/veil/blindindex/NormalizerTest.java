package dev.veil.blindindex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class NormalizerTest {

    @Test
    void lowercase_usesRootLocaleWhateverTheDefault() {
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.forLanguageTag("tr-TR"));
            assertThat(StandardNormalizer.LOWERCASE.normalize("TITLE Iİ")).isEqualTo("title ii\u0307");
        } finally {
            Locale.setDefault(saved);
        }
        assertThat(StandardNormalizer.LOWERCASE.normalize("STRASSE Straße")).isEqualTo("strasse straße");
    }

    @Test
    void trim_removesUnicodeWhiteSpaceButNotNoBreakSpace() {
        assertThat(StandardNormalizer.TRIM.normalize(" \t\u2003a b\n")).isEqualTo("a b");
        assertThat(StandardNormalizer.TRIM.normalize("\u00A0a")).isEqualTo("\u00A0a");
    }

    @Test
    void nfkc_foldsCompatibilityCharacters() {
        assertThat(StandardNormalizer.NFKC.normalize("\uFB01")).isEqualTo("fi");              // ﬁ ligature
        assertThat(StandardNormalizer.NFKC.normalize("１２３")).isEqualTo("123");              // full-width digits
        assertThat(StandardNormalizer.NFKC.normalize("ＡＢＣ")).isEqualTo("ABC");
        assertThat(StandardNormalizer.NFKC.normalize("e\u0301")).isEqualTo("\u00E9");         // composed é
        assertThat(StandardNormalizer.NFKC.normalize("\u216B")).isEqualTo("XII");             // Roman numeral Ⅻ
        assertThat(StandardNormalizer.NFKC.normalize("\u00A0")).isEqualTo(" ");
    }

    @Test
    void digitsOnly_keepsDecimalDigitsOfAnyScriptAsAscii() {
        assertThat(StandardNormalizer.DIGITS_ONLY.normalize("123-45-6789")).isEqualTo("123456789");
        assertThat(StandardNormalizer.DIGITS_ONLY.normalize("+1 (555) 010-9999")).isEqualTo("15550109999");
        assertThat(StandardNormalizer.DIGITS_ONLY.normalize("１２３")).isEqualTo("123");
        assertThat(StandardNormalizer.DIGITS_ONLY.normalize("\u0661\u0662\u0663")).isEqualTo("123");  // Arabic-Indic
        assertThat(StandardNormalizer.DIGITS_ONLY.normalize("\uD835\uDFCF")).isEqualTo("1");         // math bold 1
        assertThat(StandardNormalizer.DIGITS_ONLY.normalize("abc")).isEmpty();
    }

    @Test
    void normalizers_applyInDeclaredOrder() {
        SourceColumn trimFirst = new SourceColumn("c", List.of(StandardNormalizer.TRIM, StandardNormalizer.NFKC));
        SourceColumn nfkcFirst = new SourceColumn("c", List.of(StandardNormalizer.NFKC, StandardNormalizer.TRIM));

        assertThat(trimFirst.normalize("\u00A0abc")).isEqualTo(" abc");   // NBSP is not white space until NFKC
        assertThat(nfkcFirst.normalize("\u00A0abc")).isEqualTo("abc");
    }

    @Test
    void registry_builtIns_areFoundByConfigName() {
        NormalizerRegistry r = NormalizerRegistry.builtIns();

        assertThat(r.names()).containsExactly("lowercase", "trim", "nfkc", "digits-only");
        assertThat(r.find("nfkc")).containsSame(StandardNormalizer.NFKC);
        assertThat(r.find("upper")).isEmpty();
    }

    @Test
    void registry_standard_findsServiceLoaderNormalizers() {
        NormalizerRegistry r = NormalizerRegistry.standard();

        assertThat(r.find("test-reverse")).get().isInstanceOf(ReverseNormalizer.class);
        assertThat(r.names()).startsWith("lowercase", "trim", "nfkc", "digits-only");
    }

    @Test
    void registry_builder_addsCustomAndRefusesTakenOrMalformedNames() {
        Normalizer upper = named("upper", s -> s.toUpperCase(Locale.ROOT));

        assertThat(NormalizerRegistry.builder().add(upper).build().find("upper")).containsSame(upper);
        assertThatThrownBy(() -> NormalizerRegistry.builder().add(named("trim", s -> s)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("normalizer name 'trim'").hasMessageContaining("built-in");
        assertThatThrownBy(() -> NormalizerRegistry.builder().add(upper).add(named("upper", s -> s)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already taken");
        assertThatThrownBy(() -> NormalizerRegistry.builder().add(named("Upper Case", s -> s)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'Upper Case'").hasMessageContaining("lower-case letters, digits and '-'");
    }

    @Test
    void definition_customNormalizerByName_resolvesThroughGivenRegistry() {
        Normalizer upper = named("upper", s -> s.toUpperCase(Locale.ROOT));
        BlindIndexDefinition d = BlindIndexDefinition.builder().table("public.t").column("c")
                .normalizers(NormalizerRegistry.builder().add(upper).build()).normalize("trim", "upper").build();

        assertThat(d.columns().get(0).normalize(" ab ")).isEqualTo("AB");
        assertThat(d.columns().get(0).normalizerNames()).containsExactly("trim", "upper");
    }

    @Test
    void normalizerReturningNull_isReportedByName() {
        SourceColumn c = new SourceColumn("c", List.of(named("broken", s -> null)));

        assertThatThrownBy(() -> c.normalize("x")).isInstanceOf(IllegalStateException.class)
                .hasMessage("normalizer 'broken' returned null");
    }

    static Normalizer named(String name, java.util.function.UnaryOperator<String> f) {
        return new Normalizer() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String normalize(String value) {
                return f.apply(value);
            }
        };
    }

    /** Registered in src/test/resources/META-INF/services/dev.veil.blindindex.Normalizer. */
    public static final class ReverseNormalizer implements Normalizer {
        @Override
        public String name() {
            return "test-reverse";
        }

        @Override
        public String normalize(String value) {
            return new StringBuilder(value).reverse().toString();
        }
    }
}
