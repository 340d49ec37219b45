/** The dossier's parts as fieldsets: 申报人 (applicant), 单位 (employer) and the declared records. */
import { Check, ListEditor, Select, TextInput, useForm } from "./Fields";
import { OPTIONS, useWords } from "./text";

export function ApplicantSection() {
  const { tx } = useWords();
  const { draft } = useForm();
  return (
    <fieldset className="card apply-section" data-section="applicant">
      <legend>{tx("secApplicant")}</legend>
      <div className="apply-grid">
        <TextInput field="applicant.name" label="name" maxLength={64} autoComplete="name" />
        <TextInput field="applicant.idNumber" label="idNumber" hint="idNumberHint" maxLength={18} autoComplete="off" />
        <TextInput field="applicant.phone" label="phone" type="tel" inputMode="tel" autoComplete="tel" />
        <Select field="applicant.education" label="education" options={OPTIONS.education} />
        <Select field="applicant.professionalTitle" label="professionalTitle" options={OPTIONS.professionalTitle} />
        <TextInput field="applicant.qualityYears" label="qualityYears" inputMode="numeric" />
      </div>
      <div className="apply-checks">
        <Check field="applicant.appointment.appointedAsCqo" label="appointedAsCqo" />
        <Check field="applicant.appointment.reportsToTopManagement" label="reportsToTopManagement" />
        <Check field="applicant.appointment.vetoPower" label="vetoPower" />
      </div>
      <div className="apply-grid">
        <TextInput field="applicant.appointment.date" label="appointmentDate" type="date" />
      </div>
      <div className="apply-checks">
        <Check field="applicant.hasTraining" label="hasTraining" />
      </div>
      {draft.applicant.hasTraining ? (
        <div className="apply-grid">
          <TextInput field="applicant.training.certificateNo" label="trainingNo" maxLength={64} />
          <TextInput field="applicant.training.issuedOn" label="trainingIssuedOn" type="date" />
          <TextInput field="applicant.training.hours" label="trainingCourseHours" inputMode="numeric" />
        </div>
      ) : null}
    </fieldset>
  );
}

export function EmployerSection() {
  const { tx } = useWords();
  return (
    <fieldset className="card apply-section" data-section="employer">
      <legend>{tx("secEmployer")}</legend>
      <div className="apply-grid">
        <TextInput field="employer.name" label="employerName" maxLength={128} autoComplete="organization" wide />
        <TextInput field="employer.uscc" label="uscc" hint="usccHint" maxLength={18} autoComplete="off" />
        <Select field="employer.sizeClass" label="sizeClass" options={OPTIONS.sizeClass} />
      </div>
    </fieldset>
  );
}

export function RecordsSection() {
  const { tx } = useWords();
  const { draft } = useForm();
  return (
    <fieldset className="card apply-section" data-section="records">
      <legend>{tx("secRecords")}</legend>
      <fieldset className="apply-sub">
        <legend>{tx("secIntegrity")}</legend>
        <div className="apply-checks">
          {/* the integrity pledge is the declaration signed in the wallet below, not a tick (the workbench sets it) */}
          <Check field="records.integrity.listedDishonest" label="listedDishonest" />
          <Check field="records.integrity.criminalRecordInOffice" label="criminalRecordInOffice" />
        </div>
        <div className="apply-grid">
          <Select field="records.integrity.creditRating" label="creditRating" options={OPTIONS.creditRating} />
        </div>
        <ListEditor
          field="records.integrity.administrativePenalties"
          legend="secPenalties"
          blank={{ date: "", description: "" }}
          row={(at) => (
            <>
              <TextInput field={`${at}.date`} label="date" type="date" />
              <TextInput field={`${at}.description`} label="description" maxLength={500} multiline wide />
            </>
          )}
        />
      </fieldset>
      <ListEditor
        field="records.accidents"
        legend="secAccidents"
        blank={{ date: "", severity: "general", responsible: false, description: "" }}
        row={(at) => (
          <>
            <TextInput field={`${at}.date`} label="date" type="date" />
            <Select field={`${at}.severity`} label="severity" options={OPTIONS.severity} />
            <Check field={`${at}.responsible`} label="responsible" />
            <TextInput field={`${at}.description`} label="description" maxLength={500} multiline wide />
          </>
        )}
      />
      <ListEditor
        field="records.awards"
        legend="secAwards"
        blank={{ level: "provincial", name: "", year: "" }}
        row={(at) => (
          <>
            <Select field={`${at}.level`} label="awardLevel" options={OPTIONS.awardLevel} />
            <TextInput field={`${at}.name`} label="awardName" maxLength={200} />
            <TextInput field={`${at}.year`} label="awardYear" inputMode="numeric" maxLength={4} />
          </>
        )}
      />
      <ListEditor
        field="records.qualifications"
        legend="secQualifications"
        blank={{ name: "", number: "" }}
        row={(at) => (
          <>
            <TextInput field={`${at}.name`} label="qualificationName" maxLength={200} />
            <TextInput field={`${at}.number`} label="qualificationNumber" maxLength={64} />
          </>
        )}
      />
      <fieldset className="apply-sub">
        <legend>{tx("secAchievements")}</legend>
        <div className="apply-checks">
          <Check field="records.examTaken" label="examTaken" />
        </div>
        <div className="apply-grid">
          {draft.records.examTaken ? <TextInput field="records.examScore" label="examScore" inputMode="decimal" /> : null}
          <TextInput field="records.trainingHours" label="trainingHours" inputMode="numeric" />
          <TextInput field="records.standardsDrafted" label="standardsDrafted" inputMode="numeric" />
          <TextInput field="records.patents" label="patents" inputMode="numeric" />
          <TextInput field="records.qualityProjects" label="qualityProjects" inputMode="numeric" />
        </div>
      </fieldset>
    </fieldset>
  );
}
