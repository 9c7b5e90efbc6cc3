package dev.veil.spring.it.schema;

import dev.veil.annotation.Encrypted;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

@Entity
@Table(name = "visits")
public class Visit {

    @Id
    private Long id;

    private String name;

    @Encrypted
    private String notes;

    @Encrypted
    private Integer pulse;

    protected Visit() {
    }
}
