package dev.caravan.lab.report;

import java.util.List;

/**
 * A PNG plot written beside the JSON.
 *
 * @param title caption
 * @param file  file name relative to the output directory
 * @param notes what the picture alone does not say (open markers, missing bars), also printed under the PNG
 */
public record Figure(String title, String file, List<String> notes) {
    public Figure {
        notes = notes == null ? List.of() : List.copyOf(notes);
    }
}
