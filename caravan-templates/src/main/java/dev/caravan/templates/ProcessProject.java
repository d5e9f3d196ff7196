package dev.caravan.templates;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What {@code caravan new process NAME [--package P]} generates a project for, validated: the process name (also
 * the Maven artifactId, the jar's name and the name it is deployed under), the Java package, and the class-name
 * stem derived from the name ({@code hit-board} → {@code HitBoard}, giving {@code HitBoardProcess}). Immutable.
 *
 * @param name        lower-case letters, digits and '-', starting with a letter, at most {@value #MAX_NAME_CHARS}
 *                    characters: a valid process name, artifactId and directory name everywhere
 * @param packageName a Java package: dot-separated identifiers, none a keyword
 * @param classStem   the name in UpperCamelCase
 */
public record ProcessProject(String name, String packageName, String classStem) {
    /** The longest name: process names are at most 64 characters, and clones add a suffix. */
    public static final int MAX_NAME_CHARS = 40;

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");

    /**
     * @param packageName null for the default, {@code com.example.<name without '-'>}
     * @throws IllegalArgumentException with a one-line message saying what is allowed
     */
    public static ProcessProject of(String name, String packageName) {
        if (name == null || name.length() > MAX_NAME_CHARS || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid process name '" + name + "': use lower-case letters, digits and"
                    + " single '-' between them, starting with a letter, at most " + MAX_NAME_CHARS + " characters"
                    + " (e.g. hit-board)");
        }
        String pkg = packageName != null ? packageName : "com.example." + name.replace("-", "");
        if (!isPackage(pkg)) {
            throw new IllegalArgumentException("invalid package '" + pkg + "': use dot-separated Java identifiers that"
                    + " are not keywords (e.g. com.example.board)");
        }
        StringBuilder stem = new StringBuilder();
        for (String part : name.split("-")) {
            stem.append(part.substring(0, 1).toUpperCase(Locale.ROOT)).append(part.substring(1));
        }
        return new ProcessProject(name, pkg, stem.toString());
    }

    private static boolean isPackage(String pkg) {
        for (String part : pkg.split("\\.", -1)) {
            if (!IDENTIFIER.matcher(part).matches() || javax.lang.model.SourceVersion.isKeyword(part)) {
                return false;
            }
        }
        return true;
    }

    /** The process class's fully qualified name, for {@code caravan deploy --class}. */
    public String processClass() {
        return packageName + "." + classStem + "Process";
    }
}
