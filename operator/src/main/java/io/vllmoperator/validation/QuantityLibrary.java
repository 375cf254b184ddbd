package io.vllmoperator.validation;

import dev.cel.checker.CelCheckerBuilder;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompilerLibrary;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntimeBuilder;
import dev.cel.runtime.CelRuntimeLibrary;

/**
 * The part of the Kubernetes CEL quantity library (k8s.io/apiserver/pkg/cel/library/quantity.go,
 * Kubernetes 1.29+) that the CRD's rules use: {@code isQuantity(string)}, {@code quantity(string)},
 * {@code <Quantity>.compareTo(<Quantity>)}, {@code isLessThan} and {@code isGreaterThan}; not
 * {@code sign()}, which Kubernetes 1.35 lacks. Values are {@link KubernetesQuantity}, parsed
 * exactly as resource.ParseQuantity parses them. A rule using any other function of the library
 * fails to compile here, so render can never silently skip it.
 */
final class QuantityLibrary implements CelCompilerLibrary, CelRuntimeLibrary {
  static final QuantityLibrary INSTANCE = new QuantityLibrary();
  private static final OpaqueType QUANTITY = OpaqueType.create("kubernetes.Quantity");

  private QuantityLibrary() {}

  @Override
  public void setCheckerOptions(CelCheckerBuilder checker) {
    checker.addFunctionDeclarations(
        CelFunctionDecl.newFunctionDeclaration(
            "isQuantity",
            CelOverloadDecl.newGlobalOverload(
                "is_quantity_string", SimpleType.BOOL, SimpleType.STRING)),
        CelFunctionDecl.newFunctionDeclaration(
            "quantity",
            CelOverloadDecl.newGlobalOverload("string_to_quantity", QUANTITY, SimpleType.STRING)),
        CelFunctionDecl.newFunctionDeclaration(
            "compareTo",
            CelOverloadDecl.newMemberOverload(
                "quantity_compareTo_quantity", SimpleType.INT, QUANTITY, QUANTITY)),
        CelFunctionDecl.newFunctionDeclaration(
            "isLessThan",
            CelOverloadDecl.newMemberOverload(
                "quantity_isLessThan_quantity", SimpleType.BOOL, QUANTITY, QUANTITY)),
        CelFunctionDecl.newFunctionDeclaration(
            "isGreaterThan",
            CelOverloadDecl.newMemberOverload(
                "quantity_isGreaterThan_quantity", SimpleType.BOOL, QUANTITY, QUANTITY)));
  }

  @Override
  public void setRuntimeOptions(CelRuntimeBuilder runtime) {
    runtime.addFunctionBindings(
        CelFunctionBinding.from(
            "is_quantity_string", String.class, s -> KubernetesQuantity.parse(s).isPresent()),
        CelFunctionBinding.from("string_to_quantity", String.class, QuantityLibrary::quantity),
        CelFunctionBinding.from(
            "quantity_compareTo_quantity",
            KubernetesQuantity.class,
            KubernetesQuantity.class,
            (a, b) -> (long) Integer.signum(a.compareTo(b))),
        CelFunctionBinding.from(
            "quantity_isLessThan_quantity",
            KubernetesQuantity.class,
            KubernetesQuantity.class,
            (a, b) -> a.compareTo(b) < 0),
        CelFunctionBinding.from(
            "quantity_isGreaterThan_quantity",
            KubernetesQuantity.class,
            KubernetesQuantity.class,
            (a, b) -> a.compareTo(b) > 0));
  }

  private static KubernetesQuantity quantity(String s) throws CelEvaluationException {
    return KubernetesQuantity.parse(s)
        .orElseThrow(
            () -> new CelEvaluationException("quantities must match the regular expression"));
  }
}
