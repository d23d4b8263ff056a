"""The shipped diagram as Camunda Modeler 5 saves it, for Camunda 7 and for Camunda 8.

Made from processes/escalation.bpmn as it is now (not kept as a file that would drift from
it): `camunda:` or `zeebe:` properties where SpiffWorkflow writes `spiffworkflow:`, the
modeler's own attributes (exporter, modeler:executionPlatform) and a `camunda:formKey` on
step 2, as Camunda Modeler writes them.
"""

from __future__ import annotations

from engine.process.files import DEFAULT_DIAGRAM

SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
MODELER_NS = "http://camunda.org/schema/modeler/1.0"
PLATFORMS = {  # prefix: (namespace, executionPlatform, version)
    "camunda": ("http://camunda.org/schema/1.0/bpmn", "Camunda Platform", "7.22.0"),
    "zeebe": ("http://camunda.org/schema/zeebe/1.0", "Camunda Cloud", "8.6.0"),
}


def camunda_modeler_5(prefix: str = "camunda", shipped: bytes | None = None) -> bytes:
    """The diagram with its properties as `camunda:properties` or `zeebe:properties`."""
    namespace, platform, version = PLATFORMS[prefix]
    text = (shipped if shipped is not None else DEFAULT_DIAGRAM.read_bytes()).decode("utf-8")
    text = text.replace(f'xmlns:spiffworkflow="{SPIFF_NS}"',
                        f'xmlns:{prefix}="{namespace}" xmlns:modeler="{MODELER_NS}"', 1)
    exporter = text.index(' exporter="')
    end = text.index(">", exporter)
    text = (text[:exporter] + f' exporter="Camunda Modeler" exporterVersion="5.31.0" '
            f'modeler:executionPlatform="{platform}" '
            f'modeler:executionPlatformVersion="{version}"' + text[end:])
    text = text.replace("spiffworkflow:", f"{prefix}:")
    if prefix == "camunda":  # Camunda 7's own form reference, which we ignore
        text = text.replace('<bpmn:userTask id="step02_terima"',
                            '<bpmn:userTask id="step02_terima" '
                            'camunda:formKey="embedded:app:forms/terima.html"', 1)
    return text.encode("utf-8")
