package dev.veil.spring.it.naming;

import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class NamingTestApplication {
}
