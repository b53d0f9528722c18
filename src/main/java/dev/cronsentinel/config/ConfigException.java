package dev.cronsentinel.config;

/** A configuration error, raised at start. The message always names the offending key or file. */
public class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The error for one key, in the one format every config error uses. */
    public static ConfigException forKey(String key, String problem) {
        return new ConfigException("config key '" + key + "': " + problem);
    }
}
