package dev.veil.spring.it.jpa;

import dev.veil.annotation.Encrypted;
import jakarta.persistence.Embeddable;

@Embeddable
public class Address {

    @Encrypted
    private String street;

    private String city;

    protected Address() {
    }

    public Address(String street, String city) {
        this.street = street;
        this.city = city;
    }

    public String getStreet() {
        return street;
    }

    public String getCity() {
        return city;
    }
}
