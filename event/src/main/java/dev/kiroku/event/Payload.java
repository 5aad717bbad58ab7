package dev.kiroku.event;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** What happened. Every event type is a record here; switch over them without a default. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = ProcessStart.class, name = "process_start"),
        @JsonSubTypes.Type(value = ProcessExit.class, name = "process_exit"),
        @JsonSubTypes.Type(value = FileChange.class, name = "file"),
        @JsonSubTypes.Type(value = NetworkActivity.class, name = "network"),
        @JsonSubTypes.Type(value = UserActivity.class, name = "user"),
        @JsonSubTypes.Type(value = LossReport.class, name = "loss"),
        @JsonSubTypes.Type(value = ExecutionBlocked.class, name = "execution_blocked"),
        @JsonSubTypes.Type(value = YaraDetection.class, name = "yara_detection"),
})
public sealed interface Payload
        permits ProcessStart, ProcessExit, FileChange, NetworkActivity, UserActivity, LossReport, ExecutionBlocked,
        YaraDetection {
}
