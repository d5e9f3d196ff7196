package dev.caravan.lab.report;

/**
 * A PNG plot written beside the JSON.
 *
 * @param title caption
 * @param file  file name relative to the output directory
 */
public record Figure(String title, String file) {
}
