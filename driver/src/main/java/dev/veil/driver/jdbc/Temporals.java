package dev.veil.driver.jdbc;

import java.sql.Date;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Calendar;

/** The Calendar variants of the JDBC date getters and setters, on java.time values. */
final class Temporals {

    private Temporals() {
    }

    private static ZoneId zone(Calendar cal) {
        return cal == null ? ZoneId.systemDefault() : cal.getTimeZone().toZoneId();
    }

    static Date date(LocalDate d, Calendar cal) {
        return new Date(d.atStartOfDay(zone(cal)).toInstant().toEpochMilli());
    }

    static Time time(LocalTime t, Calendar cal) {
        return new Time(t.atDate(LocalDate.of(1970, 1, 1)).atZone(zone(cal)).toInstant().toEpochMilli());
    }

    /** A timestamp read with a calendar: the stored local date-time is taken in the calendar's zone. */
    static Timestamp timestamp(LocalDateTime l, Calendar cal) {
        Timestamp ts = Timestamp.from(l.atZone(zone(cal)).toInstant());
        ts.setNanos(l.getNano());
        return ts;
    }

    /** The local date a {@code setDate(i, d, cal)} means. */
    static Date dateIn(Date d, Calendar cal) {
        return Date.valueOf(Instant.ofEpochMilli(d.getTime()).atZone(zone(cal)).toLocalDate());
    }

    /** The local time a {@code setTime(i, t, cal)} means. */
    static Time timeIn(Time t, Calendar cal) {
        LocalTime lt = Instant.ofEpochMilli(t.getTime()).atZone(zone(cal)).toLocalTime();
        Time out = Time.valueOf(lt.withNano(0));
        out.setTime(out.getTime() + lt.getNano() / 1_000_000);
        return out;
    }

    /** The local date-time a {@code setTimestamp(i, ts, cal)} means. */
    static Timestamp timestampIn(Timestamp ts, Calendar cal) {
        LocalDateTime l = LocalDateTime.ofInstant(ts.toInstant(), zone(cal));
        return Timestamp.valueOf(l);
    }

}
