package dev.veil.spring.it.bidx;

import dev.veil.annotation.BlindIndex;
import dev.veil.annotation.Encrypted;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

@Entity
@Table(name = "members")
public class Member {

    @Id
    private Long id;

    private String name;

    @Encrypted
    @BlindIndex(normalize = "lowercase")
    private String email;

    protected Member() {
    }

    public Member(Long id, String name, String email) {
        this.id = id;
        this.name = name;
        this.email = email;
    }

    public Long getId() {
        return id;
    }

    public String getEmail() {
        return email;
    }
}
