package dev.caravan.dashboard;

/**
 * One action asked for from the page (a JSON object of the stream).
 *
 * @param id      the dashboard's number for it, from 1
 * @param kind    {@code migrate}, {@code clone}, {@code checkpoint} or {@code drain}
 * @param subject the process or node it acts on
 * @param state   {@code running}, {@code ok} or {@code failed}
 * @param message one line: the latest step while running, the result or the error after
 * @param startMs when it was asked for, ms since the epoch
 * @param endMs   when it ended (-1 while running)
 */
public record ActionView(long id, String kind, String subject, String state, String message, long startMs, long endMs) {
}
