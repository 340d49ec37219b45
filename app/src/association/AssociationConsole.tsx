export default function AssociationConsole() {
  return <p>association</p>;
}
