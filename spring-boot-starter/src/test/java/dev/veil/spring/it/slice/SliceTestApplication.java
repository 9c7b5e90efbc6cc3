package dev.veil.spring.it.slice;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The slice tests' configuration root: {@link Note} and {@link NoteRepository}. */
@SpringBootApplication
public class SliceTestApplication {
}
