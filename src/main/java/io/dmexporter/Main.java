package io.dmexporter;

public final class Main {
  public static void main(String[] args) {
  }
}
