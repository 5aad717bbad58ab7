package dev.kiroku.server.api;

import java.util.List;
import java.util.Map;

/** The agents the server knows and their latest reported status (sensors, losses, journal). */
public interface AgentDirectory {
    List<Map<String, Object>> agents();
}
