package dev.veil.spring.it.bidx;

import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class BlindIndexTestApplication {
}
