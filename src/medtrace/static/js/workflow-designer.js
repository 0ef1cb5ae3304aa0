/* The workflow designer: bpmn-js's Modeler (from npm, served from /static/vendor) draws and
 * edits the diagram; the side form edits what MedTrace reads from the selected element (its
 * mt: attributes, a flow's condition, a timer's duration), kept in the XML through the moddle
 * extension static/bpmn/medtrace-moddle.json. Save posts the XML; the server imports it as a
 * new draft or answers with its problems, listed here without touching the drawing. */
(function () {
  "use strict";

  const root = document.getElementById("designer");
  if (!root || typeof window.BpmnJS !== "function") {
    return;
  }
  const data = root.dataset;
  const csrf = (document.querySelector("meta[name=csrf-token]") || {}).content || "";
  const status = document.getElementById("designer-status");
  const problemList = document.getElementById("designer-problems");
  const form = document.getElementById("element-form");
  const none = document.getElementById("element-none");
  const TASKS = ["bpmn:UserTask", "bpmn:Task", "bpmn:ManualTask"];
  let modeler = null;
  let selected = null;
  let marked = [];

  function say(text, kind) {
    status.textContent = text;
    status.className = kind || "";
  }

  function groupOf(element) {
    const type = element.businessObject.$type;
    if (TASKS.indexOf(type) >= 0) return "task";
    if (type === "bpmn:ServiceTask") return "service";
    if (type === "bpmn:BoundaryEvent") return "timer";
    if (type === "bpmn:SequenceFlow") return "flow";
    if (type === "bpmn:Lane") return "lane";
    return "";
  }

  function timerDefinition(bo) {
    return (bo.eventDefinitions || []).find((d) => d.$type === "bpmn:TimerEventDefinition");
  }

  function readProp(element, prop) {
    const bo = element.businessObject;
    if (prop === "condition") return bo.conditionExpression ? bo.conditionExpression.body || "" : "";
    if (prop === "default") {
      return !!(bo.sourceRef && bo.sourceRef.default && bo.sourceRef.default.id === bo.id);
    }
    if (prop === "timer") {
      const timer = timerDefinition(bo);
      return timer && timer.timeDuration ? timer.timeDuration.body || "" : "";
    }
    const value = bo.get(prop);
    return value === undefined || value === null ? "" : String(value);
  }

  function inputs() {
    return Array.from(form.querySelectorAll("[data-prop]")).filter(
      (input) => !input.closest("[data-group]") || !input.closest("[data-group]").hidden);
  }

  function show(element) {
    selected = element;
    if (!element || element.type === "label") {
      selected = element && element.labelTarget ? element.labelTarget : null;
    }
    if (!selected || selected.type === "bpmn:Process" || !selected.businessObject) {
      form.hidden = true;
      none.hidden = false;
      return;
    }
    const group = groupOf(selected);
    form.querySelectorAll("[data-group]").forEach((div) => {
      div.hidden = div.dataset.group !== group;
    });
    document.getElementById("element-id").textContent = selected.id;
    inputs().forEach((input) => {
      const value = readProp(selected, input.dataset.prop);
      if (input.type === "checkbox") {
        input.checked = value === true || value === "true";
      } else {
        input.value = value;
      }
    });
    form.hidden = false;
    none.hidden = true;
  }

  function write(input) {
    if (!selected) return;
    const modeling = modeler.get("modeling");
    const factory = modeler.get("bpmnFactory");
    const prop = input.dataset.prop;
    const bo = selected.businessObject;
    const value = input.type === "checkbox" ? input.checked : input.value.trim();
    if (prop === "condition") {
      modeling.updateProperties(selected, {
        conditionExpression: value ? factory.create("bpmn:FormalExpression", { body: value }) : undefined,
      });
    } else if (prop === "default") {
      const source = modeler.get("elementRegistry").get(bo.sourceRef && bo.sourceRef.id);
      if (source) {
        modeling.updateProperties(source, { default: value ? bo : undefined });
      }
    } else if (prop === "timer") {
      let timer = timerDefinition(bo);
      if (!timer) {
        timer = factory.create("bpmn:TimerEventDefinition");
        modeling.updateProperties(selected, { eventDefinitions: [timer] });
      }
      modeling.updateModdleProperties(selected, timer, {
        timeDuration: value ? factory.create("bpmn:FormalExpression", { body: value }) : undefined,
      });
    } else if (prop === "name") {
      modeling.updateProperties(selected, { name: value || undefined });
    } else if (input.type === "checkbox") {
      modeling.updateProperties(selected, { [prop]: value ? "true" : undefined });
    } else {
      modeling.updateProperties(selected, { [prop]: value || undefined });
    }
  }

  function clearMarks() {
    const canvas = modeler.get("canvas");
    marked.forEach((id) => {
      try { canvas.removeMarker(id, "mt-problem"); } catch (e) { /* gone meanwhile */ }
    });
    marked = [];
  }

  function listProblems(problems) {
    clearMarks();
    problemList.textContent = "";
    problemList.hidden = !problems.length;
    const registry = modeler.get("elementRegistry");
    const canvas = modeler.get("canvas");
    problems.forEach((problem) => {
      const item = document.createElement("li");
      item.className = "problem";
      if (problem.element) {
        const code = document.createElement(registry.get(problem.element) ? "button" : "code");
        code.textContent = problem.element;
        if (code.tagName === "BUTTON") {
          code.type = "button";
          code.className = "link";
          code.addEventListener("click", () => {
            const element = registry.get(problem.element);
            modeler.get("selection").select(element);
            canvas.scrollToElement(element);
          });
          canvas.addMarker(problem.element, "mt-problem");
          marked.push(problem.element);
        }
        item.appendChild(code);
        item.appendChild(document.createTextNode(" "));
      }
      item.appendChild(document.createTextNode(problem.message));
      problemList.appendChild(item);
    });
  }

  async function post(url) {
    const { xml } = await modeler.saveXML({ format: true });
    const note = document.getElementById("change-note").value;
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf, Accept: "application/json" },
      body: JSON.stringify({ xml: xml, change_note: note }),
    });
    return response.json();
  }

  async function check() {
    try {
      const answer = await post(data.checkUrl);
      listProblems(answer.problems || []);
      say(answer.ok ? data.msgValid : answer.error || answer.title || data.msgFailed,
          answer.ok ? "notice" : "alert");
    } catch (e) {
      say(data.msgFailed, "alert");
    }
  }

  async function save() {
    try {
      const answer = await post(data.saveUrl);
      listProblems(answer.problems || []);
      if (answer.ok) {
        say("", "notice");
        status.textContent = data.msgSaved.replace("{n}", answer.version) + " ";
        const link = document.createElement("a");
        link.href = answer.url;
        link.textContent = data.msgOpen;
        link.dataset.testid = "saved-version";
        status.appendChild(link);
        root.dataset.savedVersion = answer.version;
      } else {
        say(answer.error || answer.title || data.msgFailed, "alert");
      }
    } catch (e) {
      say(data.msgFailed, "alert");
    }
  }

  async function download() {
    const { xml } = await modeler.saveXML({ format: true });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([xml], { type: "application/xml" }));
    link.download = data.key + ".bpmn";
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  async function start() {
    try {
      const extension = await (await fetch(data.moddleUrl)).json();
      modeler = new window.BpmnJS({ container: "#canvas", moddleExtensions: { mt: extension } });
      window.medtraceDesigner = { modeler: modeler, save: save, check: check };
      const xml = await (await fetch(data.diagramUrl, { credentials: "same-origin" })).text();
      await modeler.importXML(xml);
      modeler.get("canvas").zoom("fit-viewport");
    } catch (e) {
      say(data.msgLoadFailed + " " + (e && e.message ? e.message : ""), "alert");
      return;
    }
    modeler.on("selection.changed", (event) => show(event.newSelection[0] || null));
    modeler.on("element.changed", (event) => {
      if (selected && event.element === selected && !form.contains(document.activeElement)) {
        show(selected);
      }
    });
    form.addEventListener("change", (event) => {
      if (event.target.dataset && event.target.dataset.prop) write(event.target);
    });
    document.getElementById("designer-check").addEventListener("click", check);
    document.getElementById("designer-save").addEventListener("click", save);
    document.getElementById("designer-download").addEventListener("click", download);
    root.dataset.ready = "true";
  }

  start();
})();
