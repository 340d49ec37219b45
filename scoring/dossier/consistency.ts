/**
 * Input errors a rulebook/2 adds to the dossier's own schema (a rulebook/1 dossier keeps its old meaning, so
 * its evaluations reproduce): nothing dated after the application, and one meaning of training hours.
 */
import { problem, type PathSegment, type Problem } from "../errors";
import type { Rules } from "../rulebook/rules";
import type { Dossier } from "./schema";

export function dossierProblems(d: Dossier, rules: Pick<Rules, "futureEvents" | "trainingHoursIncludeAppointment">): Problem[] {
  const out: Problem[] = [];
  const ref = d.submittedOn;
  if (rules.futureEvents === "input-error") {
    const late = (date: string, path: PathSegment[]) => {
      if (date > ref) out.push(problem(path, `日期 ${date} 晚于申报日期 ${ref}`, `${date} is after the application date ${ref}`));
    };
    late(d.applicant.appointment.date, ["applicant", "appointment", "date"]);
    if (d.applicant.training) late(d.applicant.training.issuedOn, ["applicant", "training", "issuedOn"]);
    d.records.integrity.administrativePenalties.forEach((p, i) => late(p.date, ["records", "integrity", "administrativePenalties", i, "date"]));
    d.records.accidents.forEach((a, i) => late(a.date, ["records", "accidents", i, "date"]));
    const year = Number(ref.slice(0, 4));
    d.records.awards.forEach((a, i) => {
      if (a.year > year) out.push(problem(["records", "awards", i, "year"], `获奖年份 ${a.year} 晚于申报年份 ${year}`, `award year ${a.year} is after the application year ${year}`));
    });
  }
  if (rules.trainingHoursIncludeAppointment && d.applicant.training && d.records.trainingHours < d.applicant.training.hours) {
    out.push(
      problem(
        ["records", "trainingHours"],
        `培训总学时 ${d.records.trainingHours} 少于其中包含的任职培训学时 ${d.applicant.training.hours}`,
        `total training hours ${d.records.trainingHours} are fewer than the appointment training's ${d.applicant.training.hours} they include`,
      ),
    );
  }
  return out;
}
