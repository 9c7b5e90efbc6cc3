package dev.veil.spring.it.slice;

import dev.veil.annotation.Encrypted;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

@Entity
@Table(name = "slice_notes")
public class Note {

    @Id
    @GeneratedValue
    private Long id;

    @Encrypted
    private String body;

    protected Note() {
    }

    public Note(String body) {
        this.body = body;
    }

    public Long getId() {
        return id;
    }

    public String getBody() {
        return body;
    }
}
