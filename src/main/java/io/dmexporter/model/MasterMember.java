package io.dmexporter.model;

import java.util.List;

/** A DM-master from {@code ListMember}. */
public record MasterMember(String name, boolean alive, boolean leader, List<String> clientUrls) {
  public MasterMember {
    clientUrls = List.copyOf(clientUrls);
  }
}
