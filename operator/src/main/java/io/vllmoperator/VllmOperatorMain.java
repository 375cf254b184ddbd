package io.vllmoperator;

public class VllmOperatorMain {
  public static void main(String[] args) {}
}
