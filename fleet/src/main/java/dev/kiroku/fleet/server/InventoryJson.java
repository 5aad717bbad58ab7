package dev.kiroku.fleet.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiroku.fleet.proto.Inventory;
import dev.kiroku.fleet.proto.SensorState;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The inventory an agent reported, as the JSON the state store keeps and the REST API shows. */
public final class InventoryJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private InventoryJson() {
    }

    public static Map<String, Object> toMap(Inventory inventory) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("hostName", inventory.getHostName());
        map.put("osName", inventory.getOsName());
        map.put("osVersion", inventory.getOsVersion());
        map.put("kernel", inventory.getKernel());
        map.put("ipAddresses", List.copyOf(inventory.getIpAddressesList()));
        map.put("macAddresses", List.copyOf(inventory.getMacAddressesList()));
        map.put("agentVersion", inventory.getAgentVersion());
        map.put("sensors", inventory.getSensorsList().stream().map(InventoryJson::sensor).toList());
        map.put("losses", Map.copyOf(inventory.getLossesMap()));
        map.put("journalBytes", inventory.getJournalBytes());
        map.put("lastRecordedSequence", inventory.getLastRecordedSequence());
        map.put("acknowledgedSequence", inventory.getAcknowledgedSequence());
        map.put("isolation", inventory.getIsolation().isEmpty() ? "unknown" : inventory.getIsolation());
        map.put("policyVersion", inventory.getPolicyVersion());
        map.put("scope", inventory.getScope().isEmpty() ? "host" : inventory.getScope());
        return map;
    }

    private static Map<String, Object> sensor(SensorState sensor) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", sensor.getName());
        map.put("state", sensor.getState());
        map.put("mode", sensor.getMode());
        map.put("detail", sensor.getDetail());
        return map;
    }

    public static String write(Inventory inventory) {
        try {
            return JSON.writeValueAsString(toMap(inventory));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("inventory cannot be written as JSON", e);
        }
    }
}
