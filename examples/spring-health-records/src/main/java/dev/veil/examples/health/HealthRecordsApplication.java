package dev.veil.examples.health;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The example application; see the README for the one-command run. */
@SpringBootApplication
public class HealthRecordsApplication {

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(HealthRecordsApplication.class);
        app.addListeners(new DevDefaults());
        app.run(args);
    }
}
