// aws-local-stepfunctions 3.x calls Promise.withResolvers (Node 22+); Node 20 lacks it. Imported before the library.
if (typeof Promise.withResolvers !== "function") {
  Promise.withResolvers = function withResolvers() {
    let resolve;
    let reject;
    const promise = new this((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}
