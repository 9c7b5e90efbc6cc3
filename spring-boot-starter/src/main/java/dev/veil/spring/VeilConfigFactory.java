package dev.veil.spring;

import dev.veil.driver.config.AnnotationConfigLoader;
import dev.veil.driver.config.VeilConfig;
import dev.veil.driver.config.VeilConfigException;
import dev.veil.driver.config.YamlConfigLoader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.beans.BeanWrapperImpl;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;

/** Builds the one {@link VeilConfig} from the YAML file, the {@code @Encrypted} entities and {@code veil.*}. */
final class VeilConfigFactory {

    /** Bean names of Spring Boot's {@code EntityScanPackages} (3.x and 4.x packages). */
    private static final List<String> ENTITY_SCAN_BEANS = List.of(
            "org.springframework.boot.persistence.autoconfigure.EntityScanPackages",
            "org.springframework.boot.autoconfigure.domain.EntityScanPackages");

    private VeilConfigFactory() {
    }

    static VeilConfig create(VeilProperties properties, List<String> entityPackages, ClassLoader loader,
            Collection<VeilConfigCustomizer> customizers) {
        VeilConfig.Builder builder = VeilConfig.builder().source("Spring properties veil.*");
        if (properties.getConfig() != null && !properties.getConfig().isBlank()) {
            YamlConfigLoader.load(properties.getConfig().trim(), loader, builder);
        }
        if (!entityPackages.isEmpty()) {
            AnnotationConfigLoader.scan(entityPackages, loader, builder);
        }
        if ((properties.getConfig() == null || properties.getConfig().isBlank()) && entityPackages.isEmpty()) {
            throw new VeilConfigException("Veil has nothing to encrypt: set veil.config (a YAML file) and/or "
                    + "veil.entity-packages (packages with @Encrypted classes), or use @SpringBootApplication / "
                    + "@EntityScan so the entity packages are known");
        }
        for (VeilConfigCustomizer customizer : customizers) {
            customizer.customize(builder);
        }
        apply(properties, builder);
        return builder.build();
    }

    private static void apply(VeilProperties p, VeilConfig.Builder b) {
        if (p.getMasterKey() != null) {
            b.masterKey(p.getMasterKey());
        }
        VeilProperties.Kms kms = p.getKms();
        if (kms.getRegion() != null) {
            b.masterKeyOption("region", kms.getRegion());
        }
        if (kms.getEndpoint() != null) {
            b.masterKeyOption("endpoint", kms.getEndpoint());
        }
        if (kms.getProfile() != null) {
            b.masterKeyOption("profile", kms.getProfile());
        }
        if (kms.getApiCallTimeout() != null) {
            b.masterKeyOption("api-call-timeout", kms.getApiCallTimeout().toString());
        }
        if (p.getKeyTable() != null) {
            b.keyTable(p.getKeyTable());
        }
        Duration ttl = p.getKeyCache().getTtl();
        if (ttl != null) {
            b.keyCacheTtl(ttl);
        }
        if (p.getKeyCache().getMaxStaleness() != null) {
            b.keyMaxStaleness(p.getKeyCache().getMaxStaleness());
        }
        if (p.getKeyCache().getEager() != null) {
            b.eagerKeyLoading(p.getKeyCache().getEager());
        }
        if (p.getAllowLegacyPlaintext() != null) {
            b.allowLegacyPlaintext(p.getAllowLegacyPlaintext());
        }
        List<String> legacyColumns = new ArrayList<>();
        for (String c : p.getLegacyPlaintextColumns()) {
            if (c != null && !c.isBlank()) {
                legacyColumns.add(c.trim());
            }
        }
        if (!legacyColumns.isEmpty()) {
            b.legacyPlaintextColumns(legacyColumns, "veil.legacy-plaintext-columns");
        }
        if (p.getStatementCacheSize() != null) {
            b.statementCacheSize(p.getStatementCacheSize());
        }
    }

    /**
     * {@code veil.entity-packages} when set; else what Spring Boot's JPA auto-configuration scans: the
     * {@code @EntityScan} packages, else the auto-configuration packages ({@code @SpringBootApplication}'s).
     */
    static List<String> entityPackages(VeilProperties properties, BeanFactory beanFactory) {
        Set<String> out = new LinkedHashSet<>();
        for (String p : properties.getEntityPackages()) {
            if (p != null && !p.isBlank()) {
                out.add(p.trim());
            }
        }
        if (!out.isEmpty()) {
            return new ArrayList<>(out);
        }
        for (String bean : ENTITY_SCAN_BEANS) {
            if (beanFactory.containsBean(bean)) {
                Object names = new BeanWrapperImpl(beanFactory.getBean(bean)).getPropertyValue("packageNames");
                if (names instanceof Collection<?> c) {
                    c.forEach(n -> out.add(String.valueOf(n)));
                }
            }
        }
        if (out.isEmpty() && AutoConfigurationPackages.has(beanFactory)) {
            out.addAll(AutoConfigurationPackages.get(beanFactory));
        }
        return new ArrayList<>(out);
    }
}
