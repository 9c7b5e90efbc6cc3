package dev.veil.spring;

/**
 * The {@code veil} health indicator, once per Spring Boot health API: {@code org.springframework.boot.health}
 * (Spring Boot 4) and {@code org.springframework.boot.actuate.health} (Spring Boot 3). Each is loaded only when its
 * API is on the class path. Status {@code DEGRADED} is a custom status: Spring Boot leaves it out of the aggregate
 * (and answers HTTP 200) unless {@code management.endpoint.health.status.order} lists it.
 */
final class VeilHealthIndicators {

    private VeilHealthIndicators() {
    }

    /** Spring Boot 4.x. */
    static final class Boot4 implements org.springframework.boot.health.contributor.HealthIndicator {
        private final VeilHealth health;

        Boot4(VeilHealth health) {
            this.health = health;
        }

        @Override
        public org.springframework.boot.health.contributor.Health health() {
            VeilHealth.Result r = health.check();
            return org.springframework.boot.health.contributor.Health.status(r.status()).withDetails(r.details()).build();
        }

        VeilHealth state() {
            return health;
        }
    }

    /** Spring Boot 3.x. */
    static final class Boot3 implements org.springframework.boot.actuate.health.HealthIndicator {
        private final VeilHealth health;

        Boot3(VeilHealth health) {
            this.health = health;
        }

        @Override
        public org.springframework.boot.actuate.health.Health health() {
            VeilHealth.Result r = health.check();
            return org.springframework.boot.actuate.health.Health.status(r.status()).withDetails(r.details()).build();
        }

        VeilHealth state() {
            return health;
        }
    }
}
