package dev.veil.spring;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The {@code veil} health indicator (key store / KMS) when Spring Boot's health API is present; disable it with
 * {@code management.health.veil.enabled=false}. Statuses: {@code UP}, {@code DEGRADED}, {@code DOWN} (see
 * {@link VeilHealth}).
 */
@AutoConfiguration(after = VeilAutoConfiguration.class)
@ConditionalOnProperty(prefix = "veil", name = "enabled", havingValue = "true", matchIfMissing = true)
@Import({VeilHealthAutoConfiguration.Boot4Configuration.class, VeilHealthAutoConfiguration.Boot3Configuration.class})
public class VeilHealthAutoConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    @ConditionalOnProperty(prefix = "management.health.veil", name = "enabled", havingValue = "true",
            matchIfMissing = true)
    static class Boot4Configuration {

        @Bean
        @ConditionalOnMissingBean
        VeilHealth veilHealth() {
            return new VeilHealth();
        }

        @Bean
        @ConditionalOnMissingBean(name = "veilHealthIndicator")
        VeilHealthIndicators.Boot4 veilHealthIndicator(VeilHealth veilHealth) {
            return new VeilHealthIndicators.Boot4(veilHealth);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
    @ConditionalOnProperty(prefix = "management.health.veil", name = "enabled", havingValue = "true",
            matchIfMissing = true)
    static class Boot3Configuration {

        @Bean
        @ConditionalOnMissingBean
        VeilHealth veilHealth() {
            return new VeilHealth();
        }

        @Bean
        @ConditionalOnMissingBean(name = "veilHealthIndicator")
        VeilHealthIndicators.Boot3 veilHealthIndicator(VeilHealth veilHealth) {
            return new VeilHealthIndicators.Boot3(veilHealth);
        }
    }
}
