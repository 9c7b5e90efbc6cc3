package dev.veil.spring.it.schema;

import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class SchemaTestApplication {
}
